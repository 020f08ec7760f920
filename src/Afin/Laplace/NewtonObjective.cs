using Afin.Modelling;

namespace Afin.Laplace;

/// <summary>
/// The log posterior of a problem as Newton's method sees it: value, gradient and curvature in one pass, with a Laplace
/// prior's kink smoothed (see <see cref="LaplacePrior.AddSmoothedLogDensity"/>) so that the curvature exists.
/// </summary>
internal sealed class NewtonObjective
{
    private readonly BayesianProblem _problem;
    private readonly double _kinkWidth;

    internal NewtonObjective(BayesianProblem problem, double kinkWidth)
    {
        _problem = problem;
        _kinkWidth = kinkWidth;
    }

    internal int Dimension => _problem.Dimension;

    /// <summary>
    /// True when some factor is not log-concave (a Student-t prior or Student-t sites): the posterior may then have
    /// several modes, and the observed curvature may be indefinite away from them.
    /// </summary>
    internal bool MayBeMultimodal =>
        _problem.Prior is StudentTPrior || _problem.Blocks.Any(b => b is LinearStudentTBlock && b.Count > 0);

    /// <summary>The start every search shares: the prior's location, where every prior family is centred.</summary>
    internal double[] PriorLocation => (double[])_problem.Prior.Loc.Clone();

    /// <summary>
    /// The (kink-smoothed) log posterior at z; writes its gradient and, when <paramref name="curvature"/> is not empty,
    /// the lower triangle of its curvature of the given kind (both are cleared first).
    /// </summary>
    internal double Evaluate(ReadOnlySpan<double> z, Span<double> gradient, Span<double> curvature, CurvatureKind kind)
    {
        gradient.Clear();
        curvature.Clear();
        double logp;
        if (_problem.Prior is LaplacePrior laplace)
        {
            logp = laplace.AddSmoothedLogDensity(z, gradient, curvature, _kinkWidth);
        }
        else
        {
            logp = _problem.Prior.AddLogDensity(z, gradient);
            if (!curvature.IsEmpty)
            {
                _problem.Prior.AddCurvature(z, curvature, kind);
            }
        }
        foreach (var block in _problem.Blocks)
        {
            logp += block.AddLogLikelihood(z, gradient);
            if (!curvature.IsEmpty)
            {
                block.AddCurvature(z, curvature, kind);
            }
        }
        return logp;
    }

    /// <summary>
    /// The curvature that becomes the Laplace approximation's precision (lower triangle): every factor's own, with a
    /// Laplace prior's kink treated as documented on <see cref="LaplacePrior.AddCurvature"/> rather than by the narrow
    /// smoothing of the search.
    /// </summary>
    internal void PosteriorCurvature(ReadOnlySpan<double> mode, Span<double> curvature, CurvatureKind kind)
    {
        curvature.Clear();
        _problem.Prior.AddCurvature(mode, curvature, kind);
        foreach (var block in _problem.Blocks)
        {
            block.AddCurvature(mode, curvature, kind);
        }
    }
}
