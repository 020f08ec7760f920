namespace Afin.Metrics;

/// <summary>Exact squared 2-Wasserstein distance between two 1-d empirical distributions (equal weights per point).</summary>
internal static class Wasserstein1D
{
    /// <summary>
    /// W2^2 = integral over t in (0, 1) of (Fa^-1(t) - Fb^-1(t))^2 dt, where Fa^-1 and Fb^-1 are the empirical quantile
    /// step functions (Fa^-1(t) = a_(i) for t in ((i-1)/n, i/n]). The inputs are sorted in place. For equal sizes this
    /// is the mean squared difference of the order statistics; otherwise the integral is summed exactly over the merged
    /// breakpoints {i/n} and {j/m}, whose positions are kept as integers i*m and j*n over the common denominator n*m.
    /// </summary>
    internal static double SquaredSortInPlace(double[] a, double[] b)
    {
        Array.Sort(a);
        Array.Sort(b);
        int n = a.Length, m = b.Length;
        if (n == m)
        {
            double sum = 0;
            for (int i = 0; i < n; i++)
            {
                double diff = a[i] - b[i];
                sum += diff * diff;
            }
            return sum / n;
        }
        long total = (long)n * m;
        long position = 0;
        int ia = 0, ib = 0;
        double weighted = 0;
        while (position < total)
        {
            long endA = (long)(ia + 1) * m;
            long endB = (long)(ib + 1) * n;
            long end = Math.Min(endA, endB);
            double diff = a[ia] - b[ib];
            weighted += diff * diff * (end - position);
            position = end;
            if (endA == end)
            {
                ia++;
            }
            if (endB == end)
            {
                ib++;
            }
        }
        return weighted / total;
    }
}
