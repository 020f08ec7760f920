using MathNet.Numerics.Distributions;

namespace Afin.Cli.Benchmarks.Real;

/// <summary>
/// A simulated design matrix with the traits of real tabular data: a column of ones, then dummy-coded one-hot
/// groups, 0/1 indicators, Poisson counts and continuous columns. Indicators, counts and continuous columns share a
/// common row factor (correlation <see cref="DesignDescription.Correlation"/>); continuous columns have scales spread
/// log-evenly between the description's bounds and, when uncentred, nonzero means.
/// </summary>
/// <param name="X">The rows x d design.</param>
/// <param name="FirstBinary">The first 0/1 indicator column (the separating one), or -1 when there is none.</param>
internal sealed record RealisticDesign(double[,] X, int FirstBinary)
{
    private const int OneHotColumns = 3;

    private enum Column { Continuous, Binary, Count, OneHot, Ordinal }

    internal int Rows => X.GetLength(0);

    /// <summary>Draws a design of <paramref name="rows"/> x <paramref name="d"/>; <paramref name="needBinary"/> forces one indicator.</summary>
    internal static RealisticDesign Build(DesignDescription design, int rows, int d, bool needBinary, Random random)
    {
        int first = design.Intercept ? 1 : 0;
        var kinds = ColumnKinds(design, d - first, needBinary);
        var x = new double[rows, d];
        for (int r = 0; r < rows && first == 1; r++)
        {
            x[r, 0] = 1;
        }
        var factor = Enumerable.Range(0, rows).Select(_ => Normal.Sample(random, 0, 1)).ToArray();
        var scales = ContinuousScales(design, kinds.Count(k => k == Column.Continuous), random);
        int continuous = 0;
        for (int j = 0; j < kinds.Length; j++)
        {
            int column = first + j;
            switch (kinds[j])
            {
                case Column.Continuous:
                    FillContinuous(x, column, design, scales[continuous++], factor, random);
                    break;
                case Column.Binary:
                    FillBinary(x, column, design.Correlation, factor, random);
                    break;
                case Column.Count:
                    FillCount(x, column, design.Correlation, factor, random);
                    break;
                case Column.OneHot when j % OneHotColumns == 0:
                    FillLevels(x, column, OneHotColumns, random);
                    break;
                case Column.Ordinal when j == 0:
                    FillLevels(x, column, kinds.Length, random);
                    break;
            }
        }
        int firstBinary = Array.IndexOf(kinds, Column.Binary);
        return new RealisticDesign(x, firstBinary < 0 ? -1 : first + firstBinary);
    }

    /// <summary>The kind of each non-intercept column, in order: one-hot groups, indicators, counts, continuous.</summary>
    private static Column[] ColumnKinds(DesignDescription design, int p, bool needBinary)
    {
        if (design.Ordinal)
        {
            return Enumerable.Repeat(Column.Ordinal, p).ToArray();
        }
        int oneHot = Math.Min(p, OneHotColumns * (int)Math.Round(design.OneHot * p / OneHotColumns));
        int binary = Math.Min(p - oneHot, Math.Max(needBinary ? 1 : 0, (int)Math.Round(design.Binary * p)));
        int count = Math.Min(p - oneHot - binary, (int)Math.Round(design.Count * p));
        return Enumerable.Repeat(Column.OneHot, oneHot)
            .Concat(Enumerable.Repeat(Column.Binary, binary))
            .Concat(Enumerable.Repeat(Column.Count, count))
            .Concat(Enumerable.Repeat(Column.Continuous, p - oneHot - binary - count))
            .ToArray();
    }

    /// <summary>Scales spread evenly in log space from the smallest to the largest, in a random order.</summary>
    private static double[] ContinuousScales(DesignDescription design, int count, Random random)
    {
        var scales = Enumerable.Range(0, count)
            .Select(k => design.MinScale * Math.Pow(design.MaxScale / design.MinScale, count == 1 ? 0.5 : (double)k / (count - 1)))
            .ToArray();
        random.Shuffle(scales);
        return scales;
    }

    /// <summary>The shared factor's share of a column's latent normal.</summary>
    private static double Latent(double correlation, double factor, Random random) =>
        Math.Sqrt(correlation) * factor + Math.Sqrt(1 - correlation) * Normal.Sample(random, 0, 1);

    private static void FillContinuous(double[,] x, int column, DesignDescription design, double scale, double[] factor, Random random)
    {
        double offset = design.Uncentered ? scale * 3 * random.NextDouble() : 0;
        for (int r = 0; r < factor.Length; r++)
        {
            x[r, column] = offset + scale * Latent(design.Correlation, factor[r], random);
        }
    }

    /// <summary>An indicator with prevalence between 10% and 50%, never constant.</summary>
    private static void FillBinary(double[,] x, int column, double correlation, double[] factor, Random random)
    {
        double threshold = Normal.InvCDF(0, 1, 1 - (0.1 + 0.4 * random.NextDouble()));
        int ones = 0;
        for (int r = 0; r < factor.Length; r++)
        {
            x[r, column] = Latent(correlation, factor[r], random) > threshold ? 1 : 0;
            ones += (int)x[r, column];
        }
        if (factor.Length > 1 && (ones == 0 || ones == factor.Length))
        {
            x[random.Next(factor.Length), column] = ones == 0 ? 1 : 0;
        }
    }

    /// <summary>Poisson counts with a mean between 1 and 12, raised and lowered with the shared factor.</summary>
    private static void FillCount(double[,] x, int column, double correlation, double[] factor, Random random)
    {
        double mean = Math.Exp(2.5 * random.NextDouble());
        for (int r = 0; r < factor.Length; r++)
        {
            x[r, column] = Poisson.Sample(random, mean * Math.Exp(0.5 * Latent(correlation, factor[r], random) - 0.125));
        }
    }

    /// <summary>A categorical variable of <paramref name="columns"/> + 1 levels, dummy-coded against level 0, with unequal level frequencies.</summary>
    private static void FillLevels(double[,] x, int column, int columns, Random random)
    {
        var weights = Enumerable.Range(0, columns + 1).Select(_ => Math.Exp(Normal.Sample(random, 0, 0.5))).ToArray();
        for (int r = 0; r < x.GetLength(0); r++)
        {
            int level = Categorical.Sample(random, weights);
            if (level > 0)
            {
                x[r, column + level - 1] = 1;
            }
        }
    }
}
