using Afin.Modelling;
using Afin.Numerics;

namespace Afin.Laplace;

/// <summary>How one Newton search ended.</summary>
internal sealed record NewtonResult(double[] Mode, double LogDensity, bool Converged, int Iterations, double Decrement, string Stop);

/// <summary>
/// Damped Newton ascent on the log posterior from one start. Each step solves H p = g with the observed curvature when it
/// is positive definite, otherwise with its clipped form (every factor's negative curvature set to 0) or, if that is
/// singular, the expected information: positive definite either way, so still an ascent direction where a Student-t
/// factor makes the posterior locally convex. It then backtracks until the Armijo condition holds. Close to the
/// mode (decrement under 1e-10) the full step is taken: there Newton converges quadratically and the gain is below what
/// a comparison of log densities can resolve.
/// </summary>
internal static class NewtonModeSearch
{
    private const double ArmijoFraction = 1e-4;
    private const double QuadraticRegion = 1e-10;
    private const double SmallestStep = 1e-12;

    internal static NewtonResult Run(NewtonObjective objective, double[] start, LaplaceOptions options, CancellationToken cancellationToken)
    {
        int d = objective.Dimension;
        var z = (double[])start.Clone();
        var gradient = new double[d];
        var curvature = new double[d * d];
        var step = new double[d];
        var trial = new double[d];
        double logp = objective.Evaluate(z, gradient, curvature, CurvatureKind.Observed);
        if (!double.IsFinite(logp))
        {
            return new NewtonResult(z, logp, false, 0, double.NaN, "the log posterior is not finite at the start");
        }
        double previousDecrement = double.PositiveInfinity;
        for (int iteration = 0; iteration < options.MaxIterations; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!NewtonStep(objective, z, gradient, curvature, step))
            {
                return new NewtonResult(z, logp, false, iteration, double.NaN, "the curvature is not positive definite even as expected information");
            }
            double decrement = Matrix.Dot(gradient, step);
            // Stalled at the floating-point floor: the gradient is rounding noise, and further steps only move within it.
            bool floor = decrement < QuadraticRegion && decrement > 0.25 * previousDecrement;
            if (decrement <= options.Tolerance || floor)
            {
                return new NewtonResult(z, logp, true, iteration, decrement, "converged");
            }
            previousDecrement = decrement;
            double accepted = LineSearch(objective, z, logp, step, decrement, trial, gradient, curvature, out double trialLogp);
            if (accepted == 0)
            {
                return new NewtonResult(z, logp, false, iteration, decrement, "the line search found no step that increases the log posterior");
            }
            (z, trial) = (trial, z);
            logp = trialLogp;
        }
        return new NewtonResult(z, logp, false, options.MaxIterations, previousDecrement, $"stopped after {options.MaxIterations} iteration{(options.MaxIterations == 1 ? "" : "s")}");
    }

    /// <summary>
    /// Solves H p = g into <paramref name="step"/> with the observed curvature, or where that is not positive definite the
    /// clipped one (each factor's negative part set to 0), or failing that the expected information.
    /// </summary>
    private static bool NewtonStep(NewtonObjective objective, double[] z, double[] gradient, double[] curvature, double[] step)
    {
        int d = z.Length;
        gradient.CopyTo(step, 0);
        var factor = (double[])curvature.Clone();
        if (DenseCholesky.Factor(factor, d))
        {
            DenseCholesky.Solve(factor, d, step);
            return true;
        }
        foreach (var fallback in new[] { CurvatureKind.Clipped, CurvatureKind.Expected })
        {
            objective.Evaluate(z, new double[d], factor, fallback);
            if (DenseCholesky.Factor(factor, d))
            {
                DenseCholesky.Solve(factor, d, step);
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Backtracks from the full step until the log posterior rises by the Armijo fraction of the predicted gain; on success
    /// <paramref name="trial"/>, <paramref name="gradient"/> and <paramref name="curvature"/> hold the new point's values.
    /// </summary>
    /// <returns>The accepted step length, or 0 when none was found.</returns>
    private static double LineSearch(NewtonObjective objective, double[] z, double logp, double[] step, double decrement,
        double[] trial, double[] gradient, double[] curvature, out double trialLogp)
    {
        for (double t = 1; t >= SmallestStep; t *= 0.5)
        {
            for (int i = 0; i < z.Length; i++)
            {
                trial[i] = z[i] + t * step[i];
            }
            trialLogp = objective.Evaluate(trial, gradient, curvature, CurvatureKind.Observed);
            if (decrement < QuadraticRegion || trialLogp >= logp + ArmijoFraction * t * decrement)
            {
                return t;
            }
        }
        // Restore the current point's derivatives for the caller's report.
        trialLogp = objective.Evaluate(z, gradient, curvature, CurvatureKind.Observed);
        return 0;
    }
}
