namespace Afin.Cli.Benchmarks.Real;

/// <summary>A posterior method that <c>afin bench real</c> scores: it turns a problem into a mean and a covariance.</summary>
internal interface IRealMethod
{
    /// <summary>The name in the tables (<c>amortized</c>, <c>laplace</c>, ..., or a model's file name).</summary>
    string Name { get; }

    /// <summary>Which of the five methods this is (what <c>--methods</c> selects).</summary>
    string Kind { get; }

    /// <summary>The method's posterior summary of <paramref name="problem"/>.</summary>
    MethodEstimate Run(SuiteProblem problem, CancellationToken cancellationToken);
}

/// <summary>A method's Gaussian summary of one posterior.</summary>
/// <param name="Mean">The posterior mean, length d.</param>
/// <param name="Covariance">The posterior covariance, d x d.</param>
/// <param name="Converged">False when the method says its own answer is not to be trusted (Laplace's optimiser, NUTS's R-hat).</param>
/// <param name="Path">What the method did, for the methods that choose (auto: Exact, Amortized, ImportanceSampling/PROPOSAL or Nuts).</param>
/// <param name="Flagged">Amortized: whether the answer came flagged (<see cref="Afin.Inference.InferenceOutcome.Flagged"/>); null otherwise.</param>
internal sealed record MethodEstimate(double[] Mean, double[,] Covariance, bool Converged = true, string? Path = null, bool? Flagged = null);
