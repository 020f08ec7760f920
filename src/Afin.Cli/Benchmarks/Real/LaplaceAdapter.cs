using Afin.Laplace;
using Afin.Modelling;

namespace Afin.Cli.Benchmarks.Real;

/// <summary>A Laplace approximation's answer: the mode as mean, the inverse curvature as covariance.</summary>
internal sealed record LaplaceEstimate(double[] Mean, double[,] Covariance, bool Converged, string Message);

/// <summary>The one place <c>afin bench real</c> gets its Laplace approximation from: the library's <see cref="LaplaceApproximation"/> with its defaults.</summary>
internal static class LaplaceAdapter
{
    /// <summary>The Laplace approximation of <paramref name="problem"/>.</summary>
    /// <exception cref="InvalidOperationException">No start gave a finite log posterior, or no positive-definite curvature exists at the mode.</exception>
    internal static LaplaceEstimate Compute(BayesianProblem problem, CancellationToken cancellationToken)
    {
        var laplace = LaplaceApproximation.Compute(problem, cancellationToken: cancellationToken);
        return new LaplaceEstimate(laplace.Mode, laplace.Covariance, laplace.Converged, laplace.Message);
    }
}
