namespace Afin.Cli.Plotting;

/// <summary>
/// Spreads each draw over the neighbouring grid points in proportion to its closeness (linear binning), the
/// first step of a binned kernel density estimate: its cost then depends on the grid, not on the draws.
/// Draws outside the range are dropped; the density keeps dividing by the full count, so their mass is lost,
/// as it should be for a window onto the distribution.
/// </summary>
internal static class LinearBinning
{
    /// <summary>Grid weights of one coordinate, length <paramref name="points"/>.</summary>
    internal static double[] Bin(IReadOnlyList<double> values, AxisRange range, int points)
    {
        var weights = new double[points];
        double step = range.Step(points);
        foreach (double value in values)
        {
            double u = (value - range.Min) / step;
            if (u >= 0 && u <= points - 1)
            {
                int lower = Math.Min((int)u, points - 2);
                double fraction = u - lower;
                weights[lower] += 1 - fraction;
                weights[lower + 1] += fraction;
            }
        }
        return weights;
    }

    /// <summary>Grid weights of a coordinate pair, [y index, x index], points x points.</summary>
    internal static double[,] Bin(IReadOnlyList<double> x, IReadOnlyList<double> y, AxisRange xRange, AxisRange yRange, int points)
    {
        var weights = new double[points, points];
        double xStep = xRange.Step(points), yStep = yRange.Step(points);
        for (int n = 0; n < x.Count; n++)
        {
            double u = (x[n] - xRange.Min) / xStep, v = (y[n] - yRange.Min) / yStep;
            if (u < 0 || u > points - 1 || v < 0 || v > points - 1)
            {
                continue;
            }
            int i = Math.Min((int)v, points - 2), j = Math.Min((int)u, points - 2);
            double fv = v - i, fu = u - j;
            weights[i, j] += (1 - fv) * (1 - fu);
            weights[i, j + 1] += (1 - fv) * fu;
            weights[i + 1, j] += fv * (1 - fu);
            weights[i + 1, j + 1] += fv * fu;
        }
        return weights;
    }
}
