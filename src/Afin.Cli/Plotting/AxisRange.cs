namespace Afin.Cli.Plotting;

/// <summary>A closed interval [Min, Max] of one coordinate, sampled on an evenly spaced grid.</summary>
internal sealed record AxisRange(double Min, double Max)
{
    /// <summary>The grid spacing for <paramref name="points"/> grid points.</summary>
    internal double Step(int points) => (Max - Min) / (points - 1);

    /// <summary>The <paramref name="points"/> grid values from Min to Max.</summary>
    internal double[] Grid(int points) => Enumerable.Range(0, points).Select(i => Min + i * Step(points)).ToArray();

    /// <summary>The smallest range holding both.</summary>
    internal AxisRange Union(AxisRange other) => new(Math.Min(Min, other.Min), Math.Max(Max, other.Max));
}
