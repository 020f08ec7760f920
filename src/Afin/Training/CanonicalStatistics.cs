using Afin.Laplace;
using Afin.Modelling;
using Afin.Numerics;

namespace Afin.Training;

/// <summary>
/// What a problem looks like from its Laplace approximation, where a network in Laplace coordinates sees it: statistics
/// that do not depend on the problem's own scale or basis, and that move where the network's error grows.
/// </summary>
/// <param name="SiteNorm">
/// The largest √(xₙᵀ Σ xₙ) over the linear sites, Σ the Laplace covariance: the posterior sd of one site's predictor, the
/// length of its row in canonical coordinates. Large when one observation dominates a direction (quasi-separation).
/// </param>
/// <param name="PredictorMagnitude">
/// The largest |xₙ · m + oₙ| over logit and Poisson sites at the mode m: a log-odds (or log-rate) so extreme that the
/// likelihood saturates, as under separation and strong imbalance.
/// </param>
/// <param name="MinorityShare">
/// The smallest share of the rarer label in a Bernoulli block of at least <see cref="MinLabels"/> rows (NaN when there is
/// none): label imbalance.
/// </param>
/// <param name="CurvatureMismatch">
/// The largest |log p(m ± sᵢ) - log p(m) + ½| over the Laplace approximation's principal directions sᵢ (one sd each way):
/// how far the log posterior is from the quadratic the Laplace approximation assumes, one sd from the mode (0 for a Gaussian).
/// </param>
internal sealed record CanonicalStatistics(double SiteNorm, double PredictorMagnitude, double MinorityShare, double CurvatureMismatch)
{
    /// <summary>The fewest labels a Bernoulli block needs for its balance to count (a handful of labels is never balanced).</summary>
    internal const int MinLabels = 20;

    /// <summary>The statistics of <paramref name="problem"/> at its Laplace approximation.</summary>
    internal static CanonicalStatistics Of(BayesianProblem problem, LaplacePosterior laplace)
    {
        var (siteNorm, predictor, minority) = SiteStatistics(problem, laplace);
        return new CanonicalStatistics(siteNorm, predictor, minority, Mismatch(problem, laplace));
    }

    private static (double SiteNorm, double Predictor, double Minority) SiteStatistics(BayesianProblem problem, LaplacePosterior laplace)
    {
        int d = problem.Dimension;
        var work = new double[d];
        double siteNorm = 0, predictor = 0, minority = double.NaN;
        foreach (var block in problem.Blocks.OfType<LinearBlock>())
        {
            bool saturates = block is BernoulliLogitBlock or BinomialLogitBlock or PoissonLogBlock;
            int positives = 0;
            for (int n = 0; n < block.Count; n++)
            {
                siteNorm = Math.Max(siteNorm, Math.Sqrt(DenseCholesky.ForwardSquaredNorm(laplace.PrecisionFactor, d, block.Row(n), work)));
                if (saturates)
                {
                    predictor = Math.Max(predictor, Math.Abs(block.Predictor(n, laplace.Mode)));
                }
                positives += block is BernoulliLogitBlock && block.Y[n] > 0.5 ? 1 : 0;
            }
            if (block is BernoulliLogitBlock && block.Count >= MinLabels)
            {
                double share = Math.Min(positives, block.Count - positives) / (double)block.Count;
                minority = double.IsNaN(minority) ? share : Math.Min(minority, share);
            }
        }
        return (siteNorm, predictor, minority);
    }

    private static double Mismatch(BayesianProblem problem, LaplacePosterior laplace)
    {
        int d = problem.Dimension;
        var density = problem.LogDensity();
        double atMode = density.Evaluate(laplace.Mode);
        var direction = new double[d];
        var z = new double[d];
        double largest = 0;
        for (int i = 0; i < d; i++)
        {
            // C⁻ᵀ eᵢ, C the precision's Cholesky factor: the i-th column of a square root of the covariance.
            Array.Clear(direction);
            direction[i] = 1;
            DenseCholesky.TransposedSolve(laplace.PrecisionFactor, d, direction);
            foreach (double sign in (ReadOnlySpan<double>)[-1.0, 1.0])
            {
                for (int j = 0; j < d; j++)
                {
                    z[j] = laplace.Mode[j] + sign * direction[j];
                }
                double gap = Math.Abs(density.Evaluate(z) - atMode + 0.5);
                // A non-finite log density one sd from the mode is as far from Gaussian as it gets.
                largest = Math.Max(largest, double.IsFinite(gap) ? gap : double.PositiveInfinity);
            }
        }
        return largest;
    }
}
