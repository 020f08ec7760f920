namespace Afin.Simulation;

/// <summary>
/// A posterior of one or two parameters evaluated on a regular grid: the axes and the normalised log-density at every
/// grid point (row-major over the axes for two parameters). Marginals are <see cref="GridPosterior"/>s.
/// </summary>
public sealed class PosteriorGrid
{
    /// <summary>Creates the grid from its axes and unnormalised log-densities (length = product of the axis lengths).</summary>
    public PosteriorGrid(double[][] axes, double[] logDensity)
    {
        ArgumentNullException.ThrowIfNull(axes);
        ArgumentNullException.ThrowIfNull(logDensity);
        if (axes.Length is < 1 or > 2)
        {
            throw new ArgumentException($"a posterior grid has 1 or 2 axes; got {axes.Length}", nameof(axes));
        }
        long points = axes.Aggregate(1L, (n, a) => n * a.Length);
        if (logDensity.Length != points)
        {
            throw new ArgumentException($"logDensity has {logDensity.Length} values; expected {points} (the product of the axis lengths)", nameof(logDensity));
        }
        Axes = axes;
        double max = logDensity.Max();
        if (!double.IsFinite(max))
        {
            throw new ArgumentException($"the log-densities have maximum {max}; expected at least one finite value", nameof(logDensity));
        }
        double cellVolume = axes.Aggregate(1.0, (v, a) => v * (a[^1] - a[0]) / (a.Length - 1));
        double logNormaliser = max + Math.Log(logDensity.Sum(l => Math.Exp(l - max)) * cellVolume);
        LogDensity = logDensity.Select(l => l - logNormaliser).ToArray();
    }

    /// <summary>The grid's axes, one per parameter, each increasing and evenly spaced.</summary>
    public double[][] Axes { get; }

    /// <summary>Normalised log-densities at the grid points (row-major for two parameters).</summary>
    public double[] LogDensity { get; }

    /// <summary>The marginal posterior of parameter <paramref name="index"/>.</summary>
    public GridPosterior Marginal(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Axes.Length);
        if (Axes.Length == 1)
        {
            return new GridPosterior(Axes[0], LogDensity);
        }
        int rows = Axes[0].Length, columns = Axes[1].Length;
        var marginal = new double[Axes[index].Length];
        for (int k = 0; k < marginal.Length; k++)
        {
            var slice = index == 0
                ? Enumerable.Range(0, columns).Select(c => LogDensity[k * columns + c])
                : Enumerable.Range(0, rows).Select(r => LogDensity[r * columns + k]);
            marginal[k] = LogSumExp(slice.ToArray());
        }
        return new GridPosterior(Axes[index], marginal);
    }

    /// <summary>Draws from the grid: a grid point in proportion to its mass, jittered uniformly within its cell.</summary>
    public double[][] Sample(int count, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var cumulative = new double[LogDensity.Length];
        double total = 0;
        for (int i = 0; i < cumulative.Length; i++)
        {
            total += Math.Exp(LogDensity[i]);
            cumulative[i] = total;
        }
        var draws = new double[count][];
        for (int s = 0; s < count; s++)
        {
            int i = Array.BinarySearch(cumulative, random.NextDouble() * total);
            i = Math.Min(i < 0 ? ~i : i, cumulative.Length - 1);
            draws[s] = Coordinates(i).Select((x, j) => Jitter(x, Axes[j], random)).ToArray();
        }
        return draws;
    }

    private double[] Coordinates(int flat) =>
        Axes.Length == 1 ? [Axes[0][flat]] : [Axes[0][flat / Axes[1].Length], Axes[1][flat % Axes[1].Length]];

    private static double Jitter(double x, double[] axis, Random random)
    {
        double step = (axis[^1] - axis[0]) / (axis.Length - 1);
        return Math.Clamp(x + (random.NextDouble() - 0.5) * step, axis[0], axis[^1]);
    }

    private static double LogSumExp(double[] values)
    {
        double max = values.Max();
        return double.IsNegativeInfinity(max) ? max : max + Math.Log(values.Sum(v => Math.Exp(v - max)));
    }
}
