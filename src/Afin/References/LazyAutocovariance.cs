namespace Afin.References;

/// <summary>
/// The autocovariances of one chain, computed lag by lag on demand, switching to a single FFT for
/// all lags if many are asked for.
/// </summary>
/// <remarks>
/// Geyer's truncation stops the ESS sum at the first negative pair of autocorrelations, which for a
/// well-mixing chain is within a few lags: direct sums then cost a few passes over the chain, far
/// less than an FFT. A slowly mixing chain needs many lags, where the O(n log n) FFT wins.
/// </remarks>
internal sealed class LazyAutocovariance
{
    /// <summary>Lags computed directly before all are computed by FFT instead.</summary>
    private const int DirectLags = 64;

    private readonly double[] _series;
    private readonly double[] _centred;
    private double[] _acov;
    private int _computed;

    internal LazyAutocovariance(double[] series)
    {
        _series = series;
        int n = series.Length;
        double mean = 0;
        for (int i = 0; i < n; i++)
        {
            mean += series[i];
        }
        mean /= n;
        Mean = mean;
        _centred = new double[n];
        for (int i = 0; i < n; i++)
        {
            _centred[i] = series[i] - mean;
        }
        _acov = new double[n];
    }

    /// <summary>The chain's mean.</summary>
    internal double Mean { get; }

    /// <summary>(1/n) sum_{i &lt; n-lag} (x_i - mean)(x_{i+lag} - mean), as <see cref="ConvergenceDiagnostics.Autocovariance"/>.</summary>
    internal double this[int lag]
    {
        get
        {
            if (lag >= _computed)
            {
                if (lag < DirectLags)
                {
                    ComputeDirectly(lag);
                }
                else
                {
                    _acov = ConvergenceDiagnostics.Autocovariance(_series);
                    _computed = _acov.Length;
                }
            }
            return _acov[lag];
        }
    }

    private void ComputeDirectly(int upTo)
    {
        int n = _centred.Length;
        var x = _centred;
        for (int lag = _computed; lag <= upTo; lag++)
        {
            double sum = 0;
            for (int i = 0; i + lag < n; i++)
            {
                sum += x[i] * x[i + lag];
            }
            _acov[lag] = sum / n;
        }
        _computed = upTo + 1;
    }
}
