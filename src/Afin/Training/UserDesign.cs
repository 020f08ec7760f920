using MathNet.Numerics.Distributions;

namespace Afin.Training;

/// <summary>
/// The design of a user-like task: an optional intercept, then continuous, indicator, dummy-coded and count columns,
/// correlated through one common factor per row, continuous ones optionally of unequal scale and location.
/// </summary>
/// <param name="X">Rows by columns.</param>
/// <param name="Columns">The kind of each column.</param>
/// <param name="Spreads">Each column's sample sd (1 where a column is constant), the unit its prior scale is set in.</param>
/// <param name="RareIndicator">The column of a rare indicator drawn for separation, or -1.</param>
/// <param name="Unscaled">Whether continuous columns got unequal scales and locations.</param>
internal sealed record UserDesign(double[,] X, DesignColumnKind[] Columns, double[] Spreads, int RareIndicator, bool Unscaled)
{
    /// <summary>The kinds in the order of <see cref="UserTaskMix.ColumnKindWeights"/>.</summary>
    private static readonly DesignColumnKind[] WeightedKinds = [DesignColumnKind.Continuous, DesignColumnKind.Binary, DesignColumnKind.OneHot, DesignColumnKind.Count];

    /// <summary>Whether the first column is an intercept.</summary>
    internal bool HasIntercept => Columns.Length > 0 && Columns[0] == DesignColumnKind.Intercept;

    /// <summary>Draws a design of <paramref name="rows"/> rows and <paramref name="d"/> columns.</summary>
    /// <param name="rng">The task sampler's generator.</param>
    /// <param name="mix">The traits: intercept, column kinds, scales, correlation.</param>
    /// <param name="d">Columns, counting the intercept.</param>
    /// <param name="rows">Rows (at least one).</param>
    /// <param name="rareIndicator">Whether to make the last column a rare indicator (for separation); needs a free column.</param>
    internal static UserDesign Sample(Random rng, UserTaskMix mix, int d, int rows, bool rareIndicator)
    {
        var x = new double[rows, d];
        var kinds = new DesignColumnKind[d];
        var factor = Enumerable.Range(0, rows).Select(_ => Normal.Sample(rng, 0, 1)).ToArray();
        bool unscaled = rng.NextDouble() < mix.UnscaledProbability;
        int first = d > 0 && rng.NextDouble() < mix.InterceptProbability ? 1 : 0;
        if (first == 1)
        {
            kinds[0] = DesignColumnKind.Intercept;
            Fill(x, 0, _ => 1.0);
        }
        int last = rareIndicator && d > first ? d - 1 : d;
        var weights = mix.ColumnKindWeights.ToArray();
        for (int j = first; j < last;)
        {
            var kind = WeightedKinds[Categorical.Sample(rng, weights)];
            j += kind switch
            {
                DesignColumnKind.Binary => Binary(rng, x, kinds, j, Loading(rng, mix), factor, prevalence: 0.05 + 0.45 * rng.NextDouble()),
                DesignColumnKind.OneHot => OneHot(rng, x, kinds, j, Math.Min(last - j, 1 + rng.Next(3))),
                DesignColumnKind.Count => Count(rng, x, kinds, j, Loading(rng, mix), factor),
                _ => Continuous(rng, x, kinds, j, Loading(rng, mix), factor, unscaled ? mix.MaxScaleRatio : 1),
            };
        }
        if (last < d)
        {
            Binary(rng, x, kinds, last, 0, factor, prevalence: 0.03 + 0.09 * rng.NextDouble());
            EnsureOneSet(rng, x, last);
        }
        return new UserDesign(x, kinds, Enumerable.Range(0, d).Select(j => Spread(x, j)).ToArray(), last < d ? last : -1, unscaled);
    }

    /// <summary>A column's loading on the common factor: correlations between columns are products of loadings.</summary>
    private static double Loading(Random rng, UserTaskMix mix) => (rng.NextDouble() < 0.5 ? -1 : 1) * mix.MaxCorrelation * rng.NextDouble();

    private static double Latent(Random rng, double loading, double factor) =>
        loading * factor + Math.Sqrt(1 - loading * loading) * Normal.Sample(rng, 0, 1);

    private static int Continuous(Random rng, double[,] x, DesignColumnKind[] kinds, int j, double loading, double[] factor, double maxRatio)
    {
        // Scales log-uniform over the ratio, centred on 1; raw features sit a few scales away from zero.
        double scale = Math.Exp((rng.NextDouble() - 0.5) * Math.Log(maxRatio));
        double location = maxRatio > 1 ? scale * (4 * rng.NextDouble() - 2) : 0;
        kinds[j] = DesignColumnKind.Continuous;
        Fill(x, j, r => location + scale * Latent(rng, loading, factor[r]));
        return 1;
    }

    private static int Binary(Random rng, double[,] x, DesignColumnKind[] kinds, int j, double loading, double[] factor, double prevalence)
    {
        double threshold = Normal.InvCDF(0, 1, 1 - prevalence);
        kinds[j] = DesignColumnKind.Binary;
        Fill(x, j, r => Latent(rng, loading, factor[r]) > threshold ? 1.0 : 0.0);
        return 1;
    }

    /// <summary>A categorical feature of <paramref name="dummies"/> + 1 levels of unequal frequency, the first level the baseline.</summary>
    private static int OneHot(Random rng, double[,] x, DesignColumnKind[] kinds, int j, int dummies)
    {
        var frequencies = Dirichlet.Sample(rng, Enumerable.Repeat(2.0, dummies + 1).ToArray());
        for (int c = 0; c < dummies; c++)
        {
            kinds[j + c] = DesignColumnKind.OneHot;
        }
        for (int r = 0; r < x.GetLength(0); r++)
        {
            int level = Categorical.Sample(rng, frequencies);
            if (level > 0)
            {
                x[r, j + level - 1] = 1;
            }
        }
        return dummies;
    }

    private static int Count(Random rng, double[,] x, DesignColumnKind[] kinds, int j, double loading, double[] factor)
    {
        double mean = Math.Exp(Math.Log(0.5) + rng.NextDouble() * Math.Log(24));
        kinds[j] = DesignColumnKind.Count;
        // Log-normal rate around the mean: overdispersed counts, correlated with the other columns through the factor.
        Fill(x, j, r => Poisson.Sample(rng, mean * Math.Exp(0.5 * Latent(rng, loading, factor[r]) - 0.125)));
        return 1;
    }

    private static void EnsureOneSet(Random rng, double[,] x, int j)
    {
        int rows = x.GetLength(0);
        if (!Enumerable.Range(0, rows).Any(r => x[r, j] == 1))
        {
            x[rng.Next(rows), j] = 1;
        }
    }

    private static void Fill(double[,] x, int j, Func<int, double> value)
    {
        for (int r = 0; r < x.GetLength(0); r++)
        {
            x[r, j] = value(r);
        }
    }

    private static double Spread(double[,] x, int j)
    {
        int rows = x.GetLength(0);
        double mean = 0, squares = 0;
        for (int r = 0; r < rows; r++)
        {
            mean += x[r, j] / rows;
        }
        for (int r = 0; r < rows; r++)
        {
            squares += (x[r, j] - mean) * (x[r, j] - mean);
        }
        double sd = rows > 1 ? Math.Sqrt(squares / (rows - 1)) : 0;
        return sd > 1e-9 ? sd : 1;
    }
}
