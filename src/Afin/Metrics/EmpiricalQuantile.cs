namespace Afin.Metrics;

/// <summary>Empirical quantiles by Hyndman and Fan's type 7 (linear interpolation; the R and NumPy default).</summary>
internal static class EmpiricalQuantile
{
    /// <summary>
    /// Type-7 quantile of already-sorted values at probability <paramref name="p"/> in [0, 1]:
    /// h = (n - 1) p, Q = x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]).
    /// </summary>
    internal static double Type7Sorted(ReadOnlySpan<double> sorted, double p)
    {
        double h = (sorted.Length - 1) * p;
        int lo = (int)Math.Floor(h);
        if (lo >= sorted.Length - 1)
        {
            return sorted[^1];
        }
        double frac = h - lo;
        return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
    }
}
