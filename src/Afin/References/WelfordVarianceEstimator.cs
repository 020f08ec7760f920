namespace Afin.References;

/// <summary>
/// Running per-coordinate mean and variance (Welford 1962), numerically stable in one pass and
/// without storing the draws (stan::math::welford_var_estimator).
/// </summary>
internal sealed class WelfordVarianceEstimator
{
    private readonly double[] _mean;
    private readonly double[] _m2;

    internal WelfordVarianceEstimator(int dimension)
    {
        _mean = new double[dimension];
        _m2 = new double[dimension];
    }

    /// <summary>The number of points added since the last <see cref="Restart"/>.</summary>
    internal int Count { get; private set; }

    internal void Restart()
    {
        Count = 0;
        Array.Clear(_mean);
        Array.Clear(_m2);
    }

    internal void Add(ReadOnlySpan<double> q)
    {
        Count++;
        double inverseCount = 1.0 / Count;
        for (int i = 0; i < _mean.Length; i++)
        {
            double delta = q[i] - _mean[i];
            _mean[i] += delta * inverseCount;
            _m2[i] += (q[i] - _mean[i]) * delta;
        }
    }

    /// <summary>
    /// Writes the unbiased sample variance; leaves <paramref name="variance"/> untouched with fewer
    /// than two points, as Stan does, since no variance can be estimated from them.
    /// </summary>
    internal void SampleVariance(Span<double> variance)
    {
        if (Count < 2)
        {
            return;
        }
        double inverse = 1.0 / (Count - 1.0);
        for (int i = 0; i < _m2.Length; i++)
        {
            variance[i] = _m2[i] * inverse;
        }
    }
}
