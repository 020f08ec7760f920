namespace Afin.References;

/// <summary>
/// Stan's windowed estimation of a diagonal inverse metric during warmup
/// (stan::mcmc::windowed_adaptation and var_adaptation).
/// </summary>
/// <remarks>
/// Warmup is split into a fast initial buffer (step size only, while the chain finds the typical
/// set), a series of slow windows that double in length (each ends with a metric update from the
/// draws of that window alone, so early transient draws are forgotten), and a fast terminal buffer
/// (step size only, to tune it to the final metric).
/// </remarks>
internal sealed class MassMatrixAdapter
{
    /// <summary>Stan's default initial fast buffer.</summary>
    internal const int DefaultInitBuffer = 75;

    /// <summary>Stan's default terminal fast buffer.</summary>
    internal const int DefaultTermBuffer = 50;

    /// <summary>Stan's default first slow window.</summary>
    internal const int DefaultBaseWindow = 25;

    private readonly WelfordVarianceEstimator _estimator;
    private readonly int _warmup;
    private int _counter;
    private int _windowSize;
    private int _nextWindowEnd;

    internal MassMatrixAdapter(int dimension, int warmup,
        int initBuffer = DefaultInitBuffer, int termBuffer = DefaultTermBuffer, int baseWindow = DefaultBaseWindow)
    {
        _estimator = new WelfordVarianceEstimator(dimension);
        if (warmup < 20)
        {
            // Too few iterations to estimate anything; Stan then adapts the step size only.
            Enabled = false;
            return;
        }
        Enabled = true;
        _warmup = warmup;
        if (initBuffer + baseWindow + termBuffer > warmup)
        {
            // Stan shrinks the three stages to 15% / 75% / 10% of a short warmup. (Stan itself then
            // forgets to reset the window schedule, so it never updates the metric in this case; the
            // intended schedule is used here.)
            InitBuffer = (int)(0.15 * warmup);
            TermBuffer = (int)(0.10 * warmup);
            BaseWindow = warmup - (InitBuffer + TermBuffer);
        }
        else
        {
            InitBuffer = initBuffer;
            TermBuffer = termBuffer;
            BaseWindow = baseWindow;
        }
        _counter = 0;
        _windowSize = BaseWindow;
        _nextWindowEnd = InitBuffer + _windowSize - 1;
    }

    /// <summary>False when warmup is too short (under 20 iterations) for any metric update.</summary>
    internal bool Enabled { get; }

    internal int InitBuffer { get; }

    internal int TermBuffer { get; }

    internal int BaseWindow { get; }

    /// <summary>
    /// Records the draw of one warmup iteration and, at the end of a slow window, overwrites
    /// <paramref name="inverseMetric"/> with the regularised variance estimate of that window.
    /// </summary>
    /// <returns>True when the metric was updated (the caller then re-tunes the step size).</returns>
    internal bool Learn(ReadOnlySpan<double> q, Span<double> inverseMetric)
    {
        if (!Enabled)
        {
            return false;
        }
        if (InAdaptationWindow())
        {
            _estimator.Add(q);
        }
        if (AtEndOfAdaptationWindow())
        {
            ComputeNextWindow();
            _estimator.SampleVariance(inverseMetric);
            // Shrink towards a small multiple of the identity: with few draws the raw estimate can be
            // near zero in some coordinate, which would force a tiny step size there.
            double n = _estimator.Count;
            double weight = n / (n + 5.0);
            double shrink = 1e-3 * (5.0 / (n + 5.0));
            for (int i = 0; i < inverseMetric.Length; i++)
            {
                inverseMetric[i] = weight * inverseMetric[i] + shrink;
                if (!double.IsFinite(inverseMetric[i]))
                {
                    throw new InvalidOperationException(
                        "Numerical overflow in metric adaptation: the sampler reached extreme values, which happens "
                        + "when the density is too wide or improper.");
                }
            }
            _estimator.Restart();
            _counter++;
            return true;
        }
        _counter++;
        return false;
    }

    private bool InAdaptationWindow() =>
        _counter >= InitBuffer && _counter < _warmup - TermBuffer && _counter != _warmup;

    private bool AtEndOfAdaptationWindow() => _counter == _nextWindowEnd && _counter != _warmup;

    private void ComputeNextWindow()
    {
        int lastWindowEnd = _warmup - TermBuffer - 1;
        if (_nextWindowEnd == lastWindowEnd)
        {
            return;
        }
        _windowSize *= 2;
        _nextWindowEnd = _counter + _windowSize;
        if (_nextWindowEnd == lastWindowEnd)
        {
            return;
        }
        // If the window after this one would overrun the slow phase, stretch this one to its end
        // rather than leave a stub window with too few draws.
        int followingWindowEnd = _nextWindowEnd + 2 * _windowSize;
        if (followingWindowEnd >= _warmup - TermBuffer)
        {
            _nextWindowEnd = lastWindowEnd;
        }
    }
}
