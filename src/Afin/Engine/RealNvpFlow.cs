namespace Afin.Engine;

/// <summary>
/// The flow's couplings in order: <see cref="Forward"/> maps base draws through couplings 0..K-1 (sampling),
/// <see cref="Inverse"/> maps points back through K-1..0 (density), each returning the summed log|det|.
/// </summary>
internal sealed class RealNvpFlow
{
    /// <summary>Draws transformed together: enough rows for the node MLPs' products, few enough to stay in the caches.</summary>
    private const int DrawBlock = 64;

    private readonly CouplingLayer[] _steps;

    public RealNvpFlow(WeightSet weights, int contextChannels, int hidden, int layers, int steps, double maxLogScale)
    {
        _steps = Enumerable.Range(0, steps)
            .Select(k => new CouplingLayer(weights, $"flow.steps.{k}", contextChannels, hidden, layers, maxLogScale, k))
            .ToArray();
    }

    /// <summary>Every coupling's draw-independent terms for one posterior's contexts.</summary>
    public CouplingLayer.Prepared[] Prepare(ReadOnlySpan<float> nodeContext, ReadOnlySpan<float> pairContext, int d)
    {
        var prepared = new CouplingLayer.Prepared[_steps.Length];
        for (int k = 0; k < _steps.Length; k++)
        {
            prepared[k] = _steps[k].Prepare(nodeContext, pairContext, d);
        }
        return prepared;
    }

    /// <summary>Sampling direction, in place on <paramref name="rows"/> draws (rows x d); <paramref name="logDet"/> receives Σ log|det|.</summary>
    public void Forward(Span<float> x, int rows, int d, CouplingLayer.Prepared[] prepared, float strength, Span<float> logDet) =>
        Run(x, rows, d, prepared, strength, logDet, inverse: false);

    /// <summary>Density direction, in place on <paramref name="rows"/> points (rows x d); <paramref name="logDet"/> receives Σ log|det| of the inverse.</summary>
    public void Inverse(Span<float> x, int rows, int d, CouplingLayer.Prepared[] prepared, float strength, Span<float> logDet) =>
        Run(x, rows, d, prepared, strength, logDet, inverse: true);

    private void Run(Span<float> x, int rows, int d, CouplingLayer.Prepared[] prepared, float strength, Span<float> logDet, bool inverse)
    {
        logDet[..rows].Clear();
        for (int start = 0; start < rows; start += DrawBlock)
        {
            int n = Math.Min(DrawBlock, rows - start);
            var block = x.Slice(start * d, n * d);
            var blockLogDet = logDet.Slice(start, n);
            for (int s = 0; s < _steps.Length; s++)
            {
                int k = inverse ? _steps.Length - 1 - s : s;
                _steps[k].Transform(block, n, d, prepared[k], strength, inverse, blockLogDet);
            }
        }
    }
}
