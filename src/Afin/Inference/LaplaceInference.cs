using System.Diagnostics;
using Afin.Laplace;
using Afin.Modelling;

namespace Afin.Inference;

/// <summary>
/// <see cref="InferenceMode.Laplace"/>: the Laplace approximation of each problem as an <see cref="InferenceOutcome"/>,
/// computed from the problem alone, so neither the network nor the model's training range takes part.
/// </summary>
internal static class LaplaceInference
{
    /// <summary>The outcome of one problem; the options are validated already.</summary>
    /// <exception cref="InvalidOperationException">No finite start or no positive-definite curvature at the mode.</exception>
    internal static InferenceOutcome Run(BayesianProblem problem, AutoInferenceOptions options, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var clock = Stopwatch.StartNew();
        var laplace = LaplaceApproximation.Compute(problem, options.Laplace, cancellationToken);
        var timings = new InferenceTimings(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, clock.Elapsed);
        return new InferenceOutcome(InferenceMode.Laplace, InferenceMethod.Laplace, InferenceReasons.Laplace(laplace),
            (double[])laplace.Mode.Clone(), (double[,])laplace.Covariance.Clone(), null, null, null, laplace, [], timings);
    }
}
