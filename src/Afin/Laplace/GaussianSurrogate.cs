using Afin.Modelling;

namespace Afin.Laplace;

/// <summary>
/// A problem with every Student-t factor replaced by the Gaussian of equal Fisher information (scale²(df + 3)/(df + 1) as
/// variance): log-concave when the rest is, so its mode is unique, and it lies where the bulk of the data point
/// (for a robust regression, near weighted least squares) whatever the start. A second start for Newton's method.
/// </summary>
internal static class GaussianSurrogate
{
    internal static BayesianProblem Of(BayesianProblem problem)
    {
        var prior = problem.Prior is StudentTPrior t
            ? new GaussianPrior(t.Loc, t.Scale.Select((s, i) => s * InformationScale(t.Df[i])).ToArray())
            : problem.Prior;
        var blocks = problem.Blocks.Select(b => b is LinearStudentTBlock site
            ? new LinearGaussianBlock(site.X, site.Y, site.Sigma.Select((s, n) => s * InformationScale(site.Df[n])).ToArray())
            : b);
        // Derived: a scale times sqrt(3) may pass the limits on user input, and the surrogate is only ever a start.
        return BayesianProblem.CreateDerived(prior, blocks, problem.Dimension);
    }

    /// <summary>sqrt((df + 3) / (df + 1)): the Gaussian with scale times this has the t density's Fisher information.</summary>
    private static double InformationScale(double df) => Math.Sqrt((df + 3) / (df + 1));
}
