using Afin.Modelling;
using Afin.Numerics;

namespace Afin.Laplace;

/// <summary>
/// The Laplace approximation of any <see cref="BayesianProblem"/>: the posterior mode by damped Newton (more than one
/// start where a Student-t factor may make the posterior multimodal), and the curvature there as the precision.
/// </summary>
/// <remarks>
/// <para>A Laplace prior has no curvature but at its kink. The mode is searched with the kink smoothed over
/// <see cref="LaplaceOptions.KinkWidth"/> prior scales; the precision then takes, per coordinate, the curvature of the
/// prior smoothed over one whole scale: 1 / scale² at the kink, fading to 0 away from it.</para>
/// <para>Costs per Newton iteration O(N d² + d³); a handful of iterations suffice for log-concave problems.</para>
/// </remarks>
public static class LaplaceApproximation
{
    private const double HalfLog2Pi = 0.91893853320467274178;

    /// <summary>Computes the Laplace approximation of a problem's posterior.</summary>
    /// <param name="problem">The problem.</param>
    /// <param name="options">Iterations, tolerance and curvature; null for the defaults.</param>
    /// <param name="cancellationToken">Stops the search between Newton iterations.</param>
    /// <returns>The approximation; <see cref="LaplacePosterior.Converged"/> says whether the mode met the tolerance.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="problem"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    /// <exception cref="ProblemValidationException">
    /// The problem's numbers overflow double arithmetic: the log posterior is not finite at the prior's location, the
    /// curvature is not finite at the mode, or the covariance overflows; or d exceeds 4096. The message names the factor or field.
    /// </exception>
    /// <exception cref="InvalidOperationException">No positive-definite curvature exists at the mode even with its eigenvalues floored.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static LaplacePosterior Compute(BayesianProblem problem, LaplaceOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        options ??= new LaplaceOptions();
        options.Validate();
        DenseLimit.Check(problem, "the Laplace approximation");
        var objective = new NewtonObjective(problem, options.KinkWidth);
        NewtonResult? best = null;
        int iterations = 0;
        foreach (var start in Starts(problem, objective, options, cancellationToken))
        {
            var result = NewtonModeSearch.Run(objective, start, options, cancellationToken);
            iterations += result.Iterations;
            if (best is null || Better(result, best))
            {
                best = result;
            }
        }
        if (!best!.Converged && problem.Prior is LaplacePrior)
        {
            var continued = KinkContinuation(problem, objective.PriorLocation, options, cancellationToken);
            iterations += continued.Iterations;
            if (Better(continued, best))
            {
                best = continued;
            }
        }
        if (!double.IsFinite(best.LogDensity))
        {
            // Every search starts where the prior is centred; a log posterior that overflows there is the problem's doing.
            throw OverflowingFactor.At(problem, objective.PriorLocation, "the prior's location, where the search starts");
        }
        return Approximate(problem, objective, best, iterations, options.Curvature);
    }

    /// <summary>
    /// Widths, in prior scales, of the kink continuation: the smoothing starts over a whole scale, where the prior's
    /// curvature is 1 / scale² at the kink and Newton converges as on a smooth problem, and narrows tenfold per stage.
    /// </summary>
    private const double FirstContinuationWidth = 1.0;

    /// <summary>Intermediate stages only need to land near their mode: the next stage starts there and refines it.</summary>
    private const double ContinuationStageTolerance = 1e-8;

    /// <summary>
    /// The mode under a Laplace prior by continuation in the kink width, for when the direct search at the narrow width
    /// failed: with the kink smoothed over 1e-4 scales, Newton's quadratic model is valid only within that width of the
    /// kink, so a coordinate that must cross or settle at it crawls there in tiny damped steps (200 iterations were not
    /// enough for 1 in 300 of the realistic campaign's Laplace-prior tasks). Each stage starts at the previous stage's
    /// mode, which lies within about the previous width of the next one.
    /// </summary>
    private static NewtonResult KinkContinuation(BayesianProblem problem, double[] start, LaplaceOptions options, CancellationToken cancellationToken)
    {
        var z = start;
        int iterations = 0;
        var stage = options with { Tolerance = Math.Max(options.Tolerance, ContinuationStageTolerance) };
        for (double width = FirstContinuationWidth; width > options.KinkWidth * 1.5; width /= 10)
        {
            var result = NewtonModeSearch.Run(new NewtonObjective(problem, width), z, stage, cancellationToken);
            iterations += result.Iterations;
            if (result.Mode.All(double.IsFinite))
            {
                z = result.Mode;
            }
        }
        var last = NewtonModeSearch.Run(new NewtonObjective(problem, options.KinkWidth), z, options, cancellationToken);
        return last with { Iterations = iterations + last.Iterations };
    }

    /// <summary>A converged search beats one that did not converge; then the higher log posterior wins.</summary>
    private static bool Better(NewtonResult candidate, NewtonResult incumbent) =>
        candidate.Converged != incumbent.Converged ? candidate.Converged : candidate.LogDensity > incumbent.LogDensity;

    /// <summary>
    /// The prior's location; where a Student-t factor may make the posterior multimodal, also the mode of the problem's
    /// <see cref="GaussianSurrogate"/>, which sits where the bulk of the data point rather than where the prior is centred.
    /// </summary>
    private static IEnumerable<double[]> Starts(BayesianProblem problem, NewtonObjective objective, LaplaceOptions options,
        CancellationToken cancellationToken)
    {
        yield return objective.PriorLocation;
        if (!objective.MayBeMultimodal)
        {
            yield break;
        }
        var surrogate = new NewtonObjective(GaussianSurrogate.Of(problem), options.KinkWidth);
        var result = NewtonModeSearch.Run(surrogate, surrogate.PriorLocation, options, cancellationToken);
        if (result.Mode.All(double.IsFinite))
        {
            yield return result.Mode;
        }
    }

    private static LaplacePosterior Approximate(BayesianProblem problem, NewtonObjective objective, NewtonResult search, int iterations,
        LaplaceCurvature requested)
    {
        int d = problem.Dimension;
        var lower = new double[d * d];
        var used = PositiveDefiniteCurvature(problem, objective, search.Mode, requested, lower);
        var factor = (double[])lower.Clone();
        bool floored = !DenseCholesky.Factor(factor, d);
        if (floored)
        {
            // Positive definite in exact arithmetic but not in double precision (a condition number beyond 1e16, e.g.
            // Poisson sites with counts in the millions beside a weak prior direction): floor the eigenvalues.
            EigenvalueFloor.Apply(lower, d);
            factor = (double[])lower.Clone();
            if (!DenseCholesky.Factor(factor, d))
            {
                throw new InvalidOperationException("laplace: the curvature at the mode is not positive definite.");
            }
        }
        var precision = Symmetric(lower, d);
        var covariance = Inverse(factor, d);
        CheckFinite(covariance);
        double logDensity = problem.LogDensity().Evaluate(search.Mode);
        double logEvidence = logDensity + d * HalfLog2Pi - DenseCholesky.HalfLogDeterminant(factor, d);
        string message = (search.Converged
            ? $"Newton converged in {iterations} iteration{(iterations == 1 ? "" : "s")} (decrement {search.Decrement:G3})"
            : $"Newton did not converge: {search.Stop} (decrement {search.Decrement:G3}); the mode is the best point found")
            + $"; precision from the {(used == LaplaceCurvature.Observed ? "observed curvature" : "expected information")}"
            + (floored ? ", its eigenvalues floored at 1e-8 of the largest (too ill-conditioned for double precision)." : ".");
        return new LaplacePosterior(search.Mode, precision, factor, covariance, used, search.Converged, iterations, message, logDensity, logEvidence);
    }

    /// <summary>Writes the lower triangle of the curvature to use into <paramref name="curvature"/> and says which it is.</summary>
    /// <exception cref="ProblemValidationException">A curvature at the mode is not finite; names the factor.</exception>
    private static LaplaceCurvature PositiveDefiniteCurvature(BayesianProblem problem, NewtonObjective objective, double[] mode, LaplaceCurvature requested, double[] curvature)
    {
        int d = mode.Length;
        // A factor's curvature can overflow at the mode though the log density did not (x xᵀ / sigma² with x = 1e150);
        // a matrix holding infinities or NaNs has no eigenvalues to floor.
        void Compute(CurvatureKind kind)
        {
            objective.PosteriorCurvature(mode, curvature, kind);
            if (!Array.TrueForAll(curvature, double.IsFinite))
            {
                throw OverflowingFactor.At(problem, mode, "the posterior mode");
            }
        }
        if (requested == LaplaceCurvature.ExpectedInformation)
        {
            Compute(CurvatureKind.Expected);
            return LaplaceCurvature.ExpectedInformation;
        }
        Compute(CurvatureKind.Observed);
        if (DenseCholesky.Factor((double[])curvature.Clone(), d))
        {
            return LaplaceCurvature.Observed;
        }
        if (requested == LaplaceCurvature.Observed)
        {
            EigenvalueFloor.Apply(curvature, d);
            return LaplaceCurvature.Observed;
        }
        Compute(CurvatureKind.Expected);
        return LaplaceCurvature.ExpectedInformation;
    }

    /// <summary>
    /// A variance beyond double's range: the curvature in some direction is so small (a prior scale of 1e150 that the data
    /// do not inform) that its inverse overflows.
    /// </summary>
    private static void CheckFinite(double[,] covariance)
    {
        for (int i = 0; i < covariance.GetLength(0); i++)
        {
            for (int j = 0; j < covariance.GetLength(1); j++)
            {
                if (!double.IsFinite(covariance[i, j]))
                {
                    throw new ProblemValidationException("prior",
                        $"the Laplace covariance entry [{i}][{j}] overflows double arithmetic ({Check.Format(covariance[i, j])}): the curvature at the mode is too small in some direction; " +
                        "give the prior a smaller scale or rescale the problem");
                }
            }
        }
    }

    private static double[,] Symmetric(double[] lower, int d)
    {
        var result = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                result[i, j] = result[j, i] = lower[i * d + j];
            }
        }
        return result;
    }

    /// <summary>(C C^T)^-1 column by column from the lower factor C, symmetrised.</summary>
    private static double[,] Inverse(double[] factor, int d)
    {
        var result = new double[d, d];
        var column = new double[d];
        for (int j = 0; j < d; j++)
        {
            Array.Clear(column);
            column[j] = 1;
            DenseCholesky.Solve(factor, d, column);
            for (int i = 0; i < d; i++)
            {
                result[i, j] = column[i];
            }
        }
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < i; j++)
            {
                result[i, j] = result[j, i] = 0.5 * (result[i, j] + result[j, i]);
            }
        }
        return result;
    }
}
