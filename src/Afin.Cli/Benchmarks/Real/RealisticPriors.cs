using Afin.Modelling;

namespace Afin.Cli.Benchmarks.Real;

/// <summary>
/// The prior a kind is stated with: Gaussian, Student-t or Laplace with the intercept's own scale, or a random walk
/// on the level effects of an ordinal factor (a full-rank Gaussian prior).
/// </summary>
internal static class RealisticPriors
{
    /// <summary>Builds the prior over d coordinates; the first is the intercept when <paramref name="intercept"/>.</summary>
    /// <exception cref="InvalidInputException">The family is unknown.</exception>
    internal static Prior Build(PriorDescription prior, int d, bool intercept)
    {
        var scale = Enumerable.Range(0, d).Select(j => j == 0 && intercept ? prior.InterceptScale ?? prior.Scale : prior.Scale).ToArray();
        var loc = new double[d];
        return prior.Family switch
        {
            "gaussian" => new GaussianPrior(loc, scale),
            "student_t" => new StudentTPrior(loc, scale, Enumerable.Repeat(prior.Df, d).ToArray()),
            "laplace" => new LaplacePrior(loc, scale),
            "random_walk" => new FullRankGaussianPrior(loc, RandomWalkPrecision(scale, intercept)),
            _ => throw new InvalidInputException($"suite: unknown prior family '{prior.Family}'"),
        };
    }

    /// <summary>
    /// Independent intercept; level effects b_1 ~ N(0, s^2) and b_k - b_(k-1) ~ N(0, s^2): precision D'D / s^2 with D
    /// the first-difference matrix (tridiagonal, positive definite).
    /// </summary>
    private static double[,] RandomWalkPrecision(double[] scale, bool intercept)
    {
        int d = scale.Length, first = intercept ? 1 : 0;
        var precision = new double[d, d];
        if (intercept)
        {
            precision[0, 0] = 1 / (scale[0] * scale[0]);
        }
        double step = 1 / (scale[^1] * scale[^1]);
        for (int k = first; k < d; k++)
        {
            precision[k, k] = (k < d - 1 ? 2 : 1) * step;
            if (k > first)
            {
                precision[k, k - 1] = precision[k - 1, k] = -step;
            }
        }
        return precision;
    }
}
