namespace Afin.Simulation;

/// <summary>
/// A posterior of one or two parameters evaluated on a regular grid: the axes and the normalised log-density at every
/// grid point (row-major over the axes for two parameters). Marginals are <see cref="GridPosterior"/>s.
/// </summary>
public sealed class PosteriorGrid
{
    /// <summary>Creates the grid from its axes (each increasing, evenly spaced, at least 2 points) and unnormalised
    /// log-densities (length = product of the axis lengths), normalised by the trapezoid rule.</summary>
    public PosteriorGrid(double[][] axes, double[] logDensity)
    {
        ArgumentNullException.ThrowIfNull(axes);
        ArgumentNullException.ThrowIfNull(logDensity);
        if (axes.Length is < 1 or > 2)
        {
            throw new ArgumentException($"a posterior grid has 1 or 2 axes; got {axes.Length}", nameof(axes));
        }
        for (int j = 0; j < axes.Length; j++)
        {
            if (axes[j] is null || axes[j].Length < 2 || !(axes[j][^1] > axes[j][0]))
            {
                throw new ArgumentException($"axes[{j}] must hold at least 2 increasing points", nameof(axes));
            }
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
        double mass = 0;
        for (int k = 0; k < logDensity.Length; k++)
        {
            mass += TrapezoidWeight(k) * Math.Exp(logDensity[k] - max);
        }
        double logNormaliser = max + Math.Log(mass);
        LogDensity = logDensity.Select(l => l - logNormaliser).ToArray();
    }

    /// <summary>The trapezoid rule's weight of flat grid point <paramref name="flat"/>: the cell area, halved per axis at its ends.</summary>
    private double TrapezoidWeight(int flat)
    {
        double weight = 1;
        int remainder = flat;
        for (int j = Axes.Length - 1; j >= 0; j--)
        {
            var axis = Axes[j];
            int index = remainder % axis.Length;
            remainder /= axis.Length;
            double step = (axis[^1] - axis[0]) / (axis.Length - 1);
            weight *= index == 0 || index == axis.Length - 1 ? step / 2 : step;
        }
        return weight;
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

    /// <summary>
    /// Draws from the grid posterior. One parameter: by inverse CDF of <see cref="Marginal"/>. Two: a grid cell in
    /// proportion to the mean density of its corners, then a uniform point inside it (consistent with the trapezoid rule).
    /// </summary>
    public double[][] Sample(int count, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (Axes.Length == 1)
        {
            return Marginal(0).Sample(count, random).Select(x => new[] { x }).ToArray();
        }
        var (rows, columns) = (Axes[0], Axes[1]);
        var cumulative = new double[(rows.Length - 1) * (columns.Length - 1)];
        double total = 0;
        for (int r = 0, cell = 0; r < rows.Length - 1; r++)
        {
            for (int c = 0; c < columns.Length - 1; c++, cell++)
            {
                total += Math.Exp(LogDensity[r * columns.Length + c]) + Math.Exp(LogDensity[r * columns.Length + c + 1])
                    + Math.Exp(LogDensity[(r + 1) * columns.Length + c]) + Math.Exp(LogDensity[(r + 1) * columns.Length + c + 1]);
                cumulative[cell] = total;
            }
        }
        var draws = new double[count][];
        for (int s = 0; s < count; s++)
        {
            int cell = Array.BinarySearch(cumulative, random.NextDouble() * total);
            cell = Math.Min(cell < 0 ? ~cell : cell, cumulative.Length - 1);
            int r = cell / (columns.Length - 1), c = cell % (columns.Length - 1);
            draws[s] = [rows[r] + (rows[r + 1] - rows[r]) * random.NextDouble(), columns[c] + (columns[c + 1] - columns[c]) * random.NextDouble()];
        }
        return draws;
    }

    private static double LogSumExp(double[] values)
    {
        double max = values.Max();
        return double.IsNegativeInfinity(max) ? max : max + Math.Log(values.Sum(v => Math.Exp(v - max)));
    }
}
