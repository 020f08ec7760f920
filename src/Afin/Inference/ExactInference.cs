using System.Diagnostics;
using Afin.Modelling;
using Afin.References;

namespace Afin.Inference;

/// <summary>
/// The closed-form answer of a conjugate problem, which every mode but <see cref="InferenceMode.Amortized"/> returns:
/// it costs microseconds and is exact, so neither the network nor sampling can do better.
/// </summary>
internal static class ExactInference
{
    /// <summary>Whether <paramref name="mode"/> answers <paramref name="problem"/> in closed form.</summary>
    internal static bool Applies(InferenceMode mode, BayesianProblem problem) => mode != InferenceMode.Amortized && problem.IsConjugate;

    /// <summary>The outcome of a conjugate problem.</summary>
    /// <exception cref="InvalidOperationException">The posterior precision is not positive definite in floating point.</exception>
    internal static InferenceOutcome Run(InferenceMode mode, BayesianProblem problem)
    {
        var clock = Stopwatch.StartNew();
        var exact = ExactPosterior.Compute(problem);
        var timings = new InferenceTimings(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, clock.Elapsed);
        return new InferenceOutcome(mode, InferenceMethod.Exact, InferenceReasons.Exact(mode), (double[])exact.Mean.Clone(),
            (double[,])exact.Covariance.Clone(), null, null, null, null, [], timings, exact);
    }
}
