using Afin.Inference;
using Afin.Prediction;

namespace Afin.Extensions.DependencyInjection;

/// <summary>The posterior of one problem as returned by <see cref="IAfinPosteriorEngine"/>. Arrays are the caller's own copies.</summary>
public sealed class AfinPosteriorResult
{
    /// <summary>The posterior mean, length d.</summary>
    public required double[] Mean { get; init; }

    /// <summary>The posterior standard deviations (square roots of the covariance diagonal), length d.</summary>
    public required double[] StdDev { get; init; }

    /// <summary>The posterior covariance, d x d.</summary>
    public required double[,] Covariance { get; init; }

    /// <summary>
    /// Whether the problem lies inside the model's training range (dimension, number of observations, families);
    /// outside it the posterior is an extrapolation and should be checked. Always true in Laplace mode, whose answer
    /// owes nothing to the network.
    /// </summary>
    public required bool InTrainingRange { get; init; }

    /// <summary>Posterior draws, <see cref="AfinEngineOptions.SampleCount"/> x d; null when the sample count is 0.</summary>
    public double[,]? Samples { get; init; }

    /// <summary>
    /// Whether an Amortized-mode answer comes with a warning that it may be inaccurate: its quick check does not vouch
    /// for it (see <see cref="InferenceOutcome.Flagged"/>). Always false in the other modes, whose answers are checked.
    /// </summary>
    public bool Flagged { get; init; }

    /// <summary>Which method produced the posterior (in the default Auto mode: exact, AFIN, importance sampling or NUTS).</summary>
    public InferenceMethod Method { get; init; } = InferenceMethod.Amortized;

    /// <summary>Why that method was chosen, with the diagnostics' values.</summary>
    public string Reason { get; init; } = "";

    /// <summary>PSIS k-hat of the chosen importance proposal's weights (Amortized mode: of its quick check); NaN where no weights were computed.</summary>
    public double ParetoK { get; init; } = double.NaN;

    /// <summary>Effective sample size of those weights; NaN where no weights were computed.</summary>
    public double EffectiveSampleSize { get; init; } = double.NaN;

    /// <summary>The latent dimension d.</summary>
    public int Dimension => Mean.Length;

    /// <summary>
    /// The posterior predictive of new rows under <paramref name="likelihood"/>: from <see cref="Samples"/> when the result
    /// holds draws, else from <see cref="Mean"/> and <see cref="Covariance"/> (exact for Gaussian posteriors, moment-matched
    /// for the others). A result kept per group serves any number of later predictions.
    /// </summary>
    /// <exception cref="Modelling.ProblemValidationException">A row is invalid; the message names the field and the row.</exception>
    public PredictionSet Predict(PredictiveLikelihood likelihood, PredictionRows rows, PredictionOptions? options = null) =>
        Samples is { } draws && draws.GetLength(0) > 0
            ? PosteriorPredictive.PredictFromDraws(draws, likelihood, rows, options)
            : PosteriorPredictive.Predict(Mean, Covariance, likelihood, rows, options);
}
