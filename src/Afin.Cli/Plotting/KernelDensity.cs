namespace Afin.Cli.Plotting;

/// <summary>
/// Binned Gaussian kernel density estimates of draws on a grid: a curve for one coordinate and a surface for a
/// pair, with rule-of-thumb bandwidths (Silverman in 1-D, Scott in 2-D). The bandwidths take the effective
/// number of draws, so resampled importance draws, which repeat, are smoothed as much as their ESS warrants.
/// </summary>
internal static class KernelDensity
{
    /// <summary>
    /// Widens the rule-of-thumb bandwidths a little: Monte Carlo wiggles in a picture read as features of the
    /// posterior, while the extra width barely moves contours whose levels are set by mass (see <see cref="MassLevels"/>).
    /// </summary>
    private const double Smoothing = 1.25;

    /// <summary>The density at each of <paramref name="points"/> grid values of <paramref name="range"/>.</summary>
    internal static double[] Curve(double[] values, AxisRange range, int points, double effectiveCount)
    {
        double h = SilvermanBandwidth(values, effectiveCount, range);
        var smoothed = GaussianSmoothing.Smooth(LinearBinning.Bin(values, range, points), h / range.Step(points));
        double scale = 1 / (values.Length * h * Math.Sqrt(2 * Math.PI));
        return smoothed.Select(s => s * scale).ToArray();
    }

    /// <summary>The density on a points x points grid, indexed [y, x].</summary>
    internal static double[,] Surface(double[] x, double[] y, AxisRange xRange, AxisRange yRange, int points, double effectiveCount)
    {
        double hx = ScottBandwidth(x, effectiveCount, xRange), hy = ScottBandwidth(y, effectiveCount, yRange);
        var smoothed = GaussianSmoothing.Smooth(LinearBinning.Bin(x, y, xRange, yRange, points), hy / yRange.Step(points), hx / xRange.Step(points));
        double scale = 1 / (x.Length * hx * hy * 2 * Math.PI);
        for (int i = 0; i < points; i++)
        {
            for (int j = 0; j < points; j++)
            {
                smoothed[i, j] *= scale;
            }
        }
        return smoothed;
    }

    /// <summary>
    /// The density levels whose super-level sets hold the given masses: the density at the draws, read off the
    /// grid, is sorted and the level for mass p is the value that a fraction p of the draws exceeds.
    /// </summary>
    internal static double[] MassLevels(double[] x, double[] y, double[,] surface, AxisRange xRange, AxisRange yRange, IReadOnlyList<double> masses)
    {
        int points = surface.GetLength(0);
        var atDraws = new double[x.Length];
        for (int n = 0; n < x.Length; n++)
        {
            int j = (int)Math.Round((x[n] - xRange.Min) / xRange.Step(points));
            int i = (int)Math.Round((y[n] - yRange.Min) / yRange.Step(points));
            atDraws[n] = i >= 0 && i < points && j >= 0 && j < points ? surface[i, j] : 0;
        }
        Array.Sort(atDraws, (a, b) => b.CompareTo(a));
        return masses.Select(p => atDraws[Math.Clamp((int)Math.Ceiling(p * atDraws.Length) - 1, 0, atDraws.Length - 1)]).ToArray();
    }

    private static double SilvermanBandwidth(double[] values, double effectiveCount, AxisRange range)
    {
        var sorted = values.Order().ToArray();
        double iqr = sorted[(int)(0.75 * (sorted.Length - 1))] - sorted[(int)(0.25 * (sorted.Length - 1))];
        double spread = Math.Min(StandardDeviation(values), iqr / 1.34);
        return Floor(Smoothing * 1.06 * spread * Math.Pow(effectiveCount, -0.2), range);
    }

    private static double ScottBandwidth(double[] values, double effectiveCount, AxisRange range) =>
        Floor(Smoothing * StandardDeviation(values) * Math.Pow(effectiveCount, -1.0 / 6), range);

    /// <summary>A bandwidth no narrower than a 200th of the window, so a degenerate sample still draws a visible spike.</summary>
    private static double Floor(double bandwidth, AxisRange range) =>
        double.IsFinite(bandwidth) ? Math.Max(bandwidth, (range.Max - range.Min) / 200) : (range.Max - range.Min) / 200;

    private static double StandardDeviation(double[] values)
    {
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / Math.Max(1, values.Length - 1));
    }
}
