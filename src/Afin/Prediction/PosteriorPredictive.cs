using Afin.Inference;
using Afin.Modelling;
using Afin.Network;

namespace Afin.Prediction;

/// <summary>
/// Posterior predictive distributions of new rows: for each row x (with its offset, trials or noise scale), the
/// distribution of a new y averaged over the posterior of z, summarised by its mean, a central interval that includes
/// the observation noise, and P(y = 1) for binary rows.
/// </summary>
/// <remarks>
/// A Gaussian posterior (exact, Laplace, a Gaussian AFIN) is used as such: x·z + offset is then Gaussian, which is
/// exact for Gaussian rows (the predictive is N(x·m, xᵀΣx + σ²)) and integrated by 40-point Gauss-Hermite quadrature
/// for the others. Any other posterior (a flow, importance sampling, NUTS) is used through
/// <see cref="PredictionOptions.Draws"/> draws, seeded by <see cref="PredictionOptions.Seed"/>. docs/predictions.md
/// gives the formulas and the checks against draws.
/// </remarks>
public static class PosteriorPredictive
{
    /// <summary>Predictions from the posterior an inference mode returned.</summary>
    /// <exception cref="ProblemValidationException">The rows are invalid for the likelihood or the posterior's dimension.</exception>
    public static PredictionSet Predict(InferenceOutcome outcome, PredictiveLikelihood likelihood, PredictionRows rows, PredictionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        options ??= new PredictionOptions();
        options.Validate();
        return IsGaussian(outcome)
            ? Predict(outcome.Mean, outcome.Covariance, likelihood, rows, options)
            : PredictFromDraws(outcome.Sample(options.Draws, options.Seed), likelihood, rows, options);
    }

    /// <summary>Predictions from the Gaussian posterior N(<paramref name="mean"/>, <paramref name="covariance"/>).</summary>
    /// <exception cref="ProblemValidationException">The rows are invalid for the likelihood or the posterior's dimension.</exception>
    public static PredictionSet Predict(double[] mean, double[,] covariance, PredictiveLikelihood likelihood, PredictionRows rows, PredictionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(covariance);
        ArgumentNullException.ThrowIfNull(rows);
        if (covariance.GetLength(0) != mean.Length || covariance.GetLength(1) != mean.Length)
        {
            throw new ArgumentException($"covariance: expected {mean.Length} x {mean.Length} for a mean of {mean.Length}, got {covariance.GetLength(0)} x {covariance.GetLength(1)}", nameof(covariance));
        }
        options ??= new PredictionOptions();
        options.Validate();
        var resolved = rows.Resolve(likelihood, mean.Length);
        bool gaussianRows = likelihood.Family is "linear_gaussian" or "direct_gaussian";
        return Summarise(likelihood, resolved, options, row =>
        {
            var (location, variance) = PredictorMoments(mean, covariance, resolved, row);
            if (gaussianRows)
            {
                // Exact: the row's y is N(x·m, xᵀΣx + σ²).
                double sigma = Math.Sqrt(variance + resolved.Sigma[row] * resolved.Sigma[row]);
                return new PredictiveDistribution(likelihood.Family, PredictorMixture.FromGaussian(location, 0), sigma, 0, 0);
            }
            return PredictiveDistribution.For(likelihood.Family, PredictorMixture.FromGaussian(location, Math.Sqrt(variance)), resolved, row);
        });
    }

    /// <summary>Predictions from equally weighted posterior draws (count x d), e.g. NUTS draws.</summary>
    /// <exception cref="ProblemValidationException">The rows are invalid for the likelihood or the draws' dimension.</exception>
    public static PredictionSet PredictFromDraws(double[,] draws, PredictiveLikelihood likelihood, PredictionRows rows, PredictionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(draws);
        ArgumentNullException.ThrowIfNull(rows);
        if (draws.GetLength(0) == 0)
        {
            throw new ArgumentException("draws: expected at least one draw", nameof(draws));
        }
        options ??= new PredictionOptions();
        options.Validate();
        var resolved = rows.Resolve(likelihood, draws.GetLength(1));
        return Summarise(likelihood, resolved, options, row =>
            PredictiveDistribution.For(likelihood.Family, PredictorMixture.FromDraws(draws, resolved.X, row, resolved.OffsetOf(row)), resolved, row));
    }

    private static bool IsGaussian(InferenceOutcome outcome) => outcome.Method switch
    {
        InferenceMethod.Exact or InferenceMethod.Laplace => true,
        InferenceMethod.Amortized => outcome.Amortized!.Family == PosteriorFamily.Gaussian,
        _ => false,
    };

    /// <summary>Mean and variance of x·z + offset under N(mean, covariance).</summary>
    private static (double Location, double Variance) PredictorMoments(double[] mean, double[,] covariance, ResolvedRows rows, int row)
    {
        int d = mean.Length;
        double location = rows.OffsetOf(row), variance = 0;
        for (int i = 0; i < d; i++)
        {
            location += rows.X[row, i] * mean[i];
            for (int j = 0; j < d; j++)
            {
                variance += rows.X[row, i] * covariance[i, j] * rows.X[row, j];
            }
        }
        return (location, Math.Max(0, variance));
    }

    private static PredictionSet Summarise(PredictiveLikelihood likelihood, ResolvedRows rows, PredictionOptions options, Func<int, PredictiveDistribution> distributionOf)
    {
        var predictions = new Prediction[rows.Count];
        double logLikelihood = 0;
        int covered = 0, correct = 0;
        for (int row = 0; row < rows.Count; row++)
        {
            var distribution = distributionOf(row);
            predictions[row] = distribution.Summarise(options.Level);
            if (rows.Y is { } y)
            {
                logLikelihood += distribution.LogDensity(y[row]);
                covered += y[row] >= predictions[row].Lower && y[row] <= predictions[row].Upper ? 1 : 0;
                correct += (predictions[row].Mean >= 0.5 ? 1 : 0) == y[row] ? 1 : 0;
            }
        }
        var scores = rows.Y is null || rows.Count == 0
            ? null
            : new PredictionScores(rows.Count, -logLikelihood / rows.Count, (double)covered / rows.Count,
                likelihood.Family == "bernoulli_logit" ? (double)correct / rows.Count : null);
        return new PredictionSet(predictions, scores, options.Level);
    }
}
