namespace Afin.Engine;

/// <summary>
/// The optional per-site residual layers between a likelihood site's adapter and its token: x ← x + MLP_l(x) on every
/// pair entry and node entry, layer after layer (<c>adapter.site_refine.pair_layers.l</c>, <c>node_layers.l</c>).
/// </summary>
internal sealed class SiteRefiner
{
    private readonly Mlp[] _pairLayers;
    private readonly Mlp[] _nodeLayers;
    private readonly int _channels;

    public SiteRefiner(WeightSet weights, string prefix, int channels, int hidden, int layers)
    {
        _channels = channels;
        _pairLayers = Enumerable.Range(0, layers).Select(l => Mlp.From(weights, $"{prefix}.pair_layers.{l}", channels, channels, hidden, 2)).ToArray();
        _nodeLayers = Enumerable.Range(0, layers).Select(l => Mlp.From(weights, $"{prefix}.node_layers.{l}", channels, channels, hidden, 2)).ToArray();
    }

    /// <summary>Refines <paramref name="pairRows"/> pair entries and <paramref name="nodeRows"/> node entries in place.</summary>
    public void Apply(Span<float> pair, int pairRows, Span<float> node, int nodeRows)
    {
        for (int l = 0; l < _pairLayers.Length; l++)
        {
            // In place: each block of rows is read into the hidden layer before its outputs are added back.
            _pairLayers[l].Forward(pair, _channels, pairRows, pair, _channels, accumulate: true);
            _nodeLayers[l].Forward(node, _channels, nodeRows, node, _channels, accumulate: true);
        }
    }
}
