namespace Afin.Modelling;

/// <summary>
/// Names the factor of a problem whose numbers overflow double arithmetic at a point: the validation error a method
/// raises when the log posterior, its gradient or its curvature there is not finite although every number of the
/// problem lies within <see cref="NumericLimits"/> (a combination overflowed, such as a design entry of 1e150 times a
/// location of 1e150).
/// </summary>
internal static class OverflowingFactor
{
    /// <summary>The rejection naming the first factor (the prior, or a block's row) that is not finite at <paramref name="z"/>.</summary>
    /// <param name="problem">The problem.</param>
    /// <param name="z">The point, length d.</param>
    /// <param name="point">The point in words, e.g. "the prior's location".</param>
    internal static ProblemValidationException At(BayesianProblem problem, ReadOnlySpan<double> z, string point)
    {
        int d = problem.Dimension;
        var gradient = new double[d];
        var curvature = new double[d * d];
        double prior = problem.Prior.AddLogDensity(z, gradient);
        problem.Prior.AddCurvature(z, curvature, CurvatureKind.Observed);
        if (!double.IsFinite(prior) || !AllFinite(gradient) || !AllFinite(curvature))
        {
            return new ProblemValidationException("prior",
                $"the prior's log density or its curvature is not finite at {point}: its numbers overflow double arithmetic; rescale the problem");
        }
        for (int b = 0; b < problem.Blocks.Count; b++)
        {
            if (problem.Blocks[b].FirstNonFiniteRow(z) is { } row)
            {
                return new ProblemValidationException($"observations[{b}].y[{row.Row}]",
                    $"the likelihood of this observation, its gradient or its curvature is not finite at {point} ({row.Detail}): the row's numbers overflow double arithmetic; rescale the problem");
            }
        }
        return new ProblemValidationException("observations",
            $"the log posterior or its curvature at {point} overflows double arithmetic: every factor is finite, but not their sum; rescale the problem");
    }

    private static bool AllFinite(double[] values) => Array.TrueForAll(values, double.IsFinite);
}
