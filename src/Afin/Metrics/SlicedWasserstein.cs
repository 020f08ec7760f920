namespace Afin.Metrics;

/// <summary>
/// Sliced 2-Wasserstein distance between two sample sets: both sets are projected onto L random unit directions,
/// the exact 1-d W2^2 between the projected empirical distributions is averaged over directions, and the square root
/// of that mean is returned. Sample sets are n x d <c>double[,]</c> matrices, one draw per row.
/// </summary>
public static class SlicedWasserstein
{
    /// <summary>Default number of random projection directions.</summary>
    public const int DefaultProjections = 200;

    /// <summary>Default seed of the projection directions.</summary>
    public const int DefaultSeed = 0;

    /// <summary>
    /// SW2(x, y) = sqrt( (1/L) sum_l W2^2(x u_l, y u_l) ) over L unit directions u_l drawn uniformly on the sphere.
    /// </summary>
    /// <param name="x">First sample set, n x d (n &gt;= 1 draws in rows), finite.</param>
    /// <param name="y">Second sample set, m x d (m &gt;= 1 may differ from n), finite.</param>
    /// <param name="projections">Number of directions L, &gt;= 1.</param>
    /// <param name="seed">
    /// Seed of the directions. They come from a built-in SplitMix64 generator and arithmetic-only normal sampler, so a
    /// given (seed, d) yields bit-identical directions on every machine and runtime; a larger L extends the same sequence.
    /// </param>
    /// <returns>The sliced W2 distance (0 when the two sets hold the same points, in any order).</returns>
    /// <remarks>
    /// Each 1-d W2^2 is exact for the empirical distributions (each point weighted 1/n or 1/m): for n = m it is the
    /// mean squared difference of sorted projections; otherwise the squared difference of the two quantile step
    /// functions is integrated exactly over their merged breakpoints. Cost O(L (n + m) (d + log(n + m))).
    /// </remarks>
    /// <exception cref="ArgumentException">A set is empty, the column counts differ, a value is not finite, or <paramref name="projections"/> &lt; 1.</exception>
    public static double Distance(double[,] x, double[,] y, int projections = DefaultProjections, int seed = DefaultSeed)
    {
        MetricArguments.FiniteMatrix(x, nameof(x));
        MetricArguments.FiniteMatrix(y, nameof(y));
        int d = x.GetLength(1);
        if (y.GetLength(1) != d)
        {
            throw new ArgumentException(
                $"{nameof(y)} has {y.GetLength(1)} columns but {nameof(x)} has {d}; expected both sample sets to have the same dimension d.", nameof(y));
        }
        if (projections < 1)
        {
            throw new ArgumentException($"{nameof(projections)} is {projections}; expected at least 1 projection direction.", nameof(projections));
        }
        var directions = RandomDirections.Draw(projections, d, seed);
        int n = x.GetLength(0), m = y.GetLength(0);
        var px = new double[n];
        var py = new double[m];
        double sum = 0;
        for (int l = 0; l < projections; l++)
        {
            Project(x, directions, l, px);
            Project(y, directions, l, py);
            sum += Wasserstein1D.SquaredSortInPlace(px, py);
        }
        return Math.Sqrt(sum / projections);
    }

    private static void Project(double[,] samples, double[,] directions, int l, double[] result)
    {
        int d = samples.GetLength(1);
        for (int i = 0; i < result.Length; i++)
        {
            double dot = 0;
            for (int j = 0; j < d; j++)
            {
                dot += samples[i, j] * directions[l, j];
            }
            result[i] = dot;
        }
    }
}
