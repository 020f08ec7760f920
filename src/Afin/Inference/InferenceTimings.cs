namespace Afin.Inference;

/// <summary>The wall-clock time of each stage of an <see cref="AfinInference"/> run; a stage that did not run took zero.</summary>
/// <param name="Amortized">
/// The AFIN forward pass; for a batch, the batched pass divided evenly among its problems.
/// </param>
/// <param name="ImportanceSampling">The importance check: drawing from each proposal tried, evaluating the densities and Pareto smoothing.</param>
/// <param name="Nuts">The NUTS fallback, warmup included.</param>
/// <param name="Laplace">
/// The Laplace approximation: the Newton search for the mode and the curvature there; in the modes that use the network,
/// the range check's (whose statistics are read at the Laplace approximation, and which the Laplace-t proposal reuses).
/// </param>
/// <param name="Exact">The closed-form posterior of a conjugate problem.</param>
public sealed record InferenceTimings(TimeSpan Amortized, TimeSpan ImportanceSampling, TimeSpan Nuts, TimeSpan Laplace = default, TimeSpan Exact = default)
{
    /// <summary>The sum of the stages.</summary>
    public TimeSpan Total => Amortized + ImportanceSampling + Nuts + Laplace + Exact;
}
