using Afin.Metrics;

namespace Afin.Cli.Benchmarks.Real;

/// <summary>
/// How far a method's Gaussian summary lies from the reference: standardised mean errors |mean - ref mean| / ref sd
/// (largest and median over coordinates), KL(reference ‖ method) per dimension between the two Gaussians, and the
/// ratios method sd / reference sd (median, and the one farthest from 1 on a log scale).
/// </summary>
internal sealed record RealScores(double MaxSme, double MedianSme, double KlPerDimension, double SdRatioMedian, double SdRatioWorst)
{
    /// <summary>Scores <paramref name="estimate"/> against <paramref name="reference"/>; KL is +∞ when the method's covariance is not positive definite.</summary>
    internal static RealScores Of(MethodEstimate estimate, ProblemReference reference)
    {
        var sd = reference.StdDev();
        var errors = StandardisedMeanError.PerCoordinate(estimate.Mean, reference.Mean, sd);
        var ratios = sd.Select((s, i) => Math.Sqrt(estimate.Covariance[i, i]) / s).ToArray();
        return new RealScores(errors.Max(), Median(errors), Kl(estimate, reference), Median(ratios),
            ratios.MaxBy(r => double.IsNaN(r) ? double.PositiveInfinity : Math.Abs(Math.Log(r))));
    }

    private static double Kl(MethodEstimate estimate, ProblemReference reference)
    {
        try
        {
            return GaussianKl.DivergencePerDimension(reference.Mean, reference.CovarianceMatrix(), estimate.Mean, Symmetric(estimate.Covariance));
        }
        catch (ArgumentException)
        {
            return double.PositiveInfinity;
        }
    }

    /// <summary>(S + S') / 2: sample covariances can be asymmetric in the last bits.</summary>
    private static double[,] Symmetric(double[,] covariance)
    {
        int d = covariance.GetLength(0);
        var result = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                result[i, j] = 0.5 * (covariance[i, j] + covariance[j, i]);
            }
        }
        return result;
    }

    /// <summary>The median, NaN for no values.</summary>
    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : 0.5 * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);
    }
}
