using Afin.Modelling;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace Afin.Cli.Benchmarks.Real;

/// <summary>A Laplace approximation's answer: the mode as mean, the inverse negative Hessian as covariance.</summary>
internal sealed record LaplaceEstimate(double[] Mean, double[,] Covariance, bool Converged, string Message);

/// <summary>
/// The one place <c>afin bench real</c> gets its Laplace approximation from. Until the library's
/// <c>Afin.Laplace.LaplaceApproximation</c> lands, this is an interim stand-in: the mode by BFGS on the analytic
/// gradient (MathNet), the covariance from the inverse of the negative Hessian by central differences of that
/// gradient. Swapping in the library's version is the one line in <see cref="Compute"/>.
/// </summary>
internal static class LaplaceAdapter
{
    /// <summary>The Laplace approximation of <paramref name="problem"/>.</summary>
    /// <exception cref="InvalidOperationException">The Hessian at the optimiser's end point is not negative definite.</exception>
    internal static LaplaceEstimate Compute(BayesianProblem problem, CancellationToken cancellationToken) =>
        Interim(problem, cancellationToken);

    private static LaplaceEstimate Interim(BayesianProblem problem, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var density = problem.LogDensity();
        var (mode, converged, message) = Mode(density, problem.Prior.Loc);
        var precision = NegativeHessian(density, mode);
        Matrix<double> covariance;
        try
        {
            covariance = precision.Cholesky().Solve(Matrix<double>.Build.DenseIdentity(mode.Length));
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"the Hessian at the mode is not negative definite ({message}): {e.Message}", e);
        }
        return new LaplaceEstimate(mode, covariance.ToArray(), converged, message);
    }

    /// <summary>The maximum of the log density by BFGS, from the prior's location.</summary>
    private static (double[] Mode, bool Converged, string Message) Mode(PosteriorLogDensity density, IReadOnlyList<double> start)
    {
        var gradient = new double[density.Dimension];
        var objective = ObjectiveFunction.Gradient(x =>
        {
            double value = density.Evaluate(x.ToArray(), gradient);
            return (-value, Vector<double>.Build.Dense(gradient.Length, i => -gradient[i]));
        });
        try
        {
            var result = new BfgsMinimizer(1e-8, 1e-12, 1e-14, 2000).FindMinimum(objective, Vector<double>.Build.DenseOfEnumerable(start));
            return (result.MinimizingPoint.ToArray(), true, $"{result.ReasonForExit} after {result.Iterations} iterations");
        }
        catch (Exception e) when (e is MaximumIterationsException or InnerOptimizationException or OptimizationException)
        {
            return (objective.Point?.ToArray() ?? start.ToArray(), false, e.Message);
        }
    }

    /// <summary>-Hessian of the log density at <paramref name="z"/> by central differences of the gradient, symmetrised.</summary>
    private static Matrix<double> NegativeHessian(PosteriorLogDensity density, double[] z)
    {
        int d = z.Length;
        var hessian = Matrix<double>.Build.Dense(d, d);
        var plus = new double[d];
        var minus = new double[d];
        var point = (double[])z.Clone();
        for (int j = 0; j < d; j++)
        {
            double h = 1e-5 * Math.Max(1, Math.Abs(z[j]));
            point[j] = z[j] + h;
            density.Evaluate(point, plus);
            point[j] = z[j] - h;
            density.Evaluate(point, minus);
            point[j] = z[j];
            for (int i = 0; i < d; i++)
            {
                hessian[i, j] = -(plus[i] - minus[i]) / (2 * h);
            }
        }
        return (hessian + hessian.Transpose()) / 2;
    }
}
