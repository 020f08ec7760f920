using System.Numerics.Tensors;

namespace Afin.Engine;

/// <summary>
/// One or more box maps over the same tokens (the torch modules' BoxMaps.ApplyShared): each map is a pair MLP on
/// [P_ij, row_i, col_j, n_i, n_j, gP] and a node MLP on [n_i, diag_i, row_i, col_i, gP, gN] (6C inputs each).
/// </summary>
/// <remarks>
/// The 6C pair input is never built. Its first layer splits by input part: P_ij·W₀ is the only product over the d²
/// entries; row_i·W₁ + n_i·W₃ + gP·W₅ + b (one vector per i) and col_j·W₂ + n_j·W₄ (one per j) are computed once per
/// token and added as broadcasts. The first layers of all maps in the group sit side by side in one layer, so the
/// attention's Q, K and V maps share one product over the entries. Outputs are raw: callers symmetrise the pair output.
/// </remarks>
internal sealed class BoxMapGroup
{
    private readonly Mlp[] _pairMaps;
    private readonly Mlp[] _nodeMaps;
    private readonly DenseLayer _pairFirst;
    private readonly DenseLayer _nodeFirst;
    private readonly int _channels;

    public BoxMapGroup(IReadOnlyList<(Mlp Pair, Mlp Node)> maps, int channels)
    {
        _pairMaps = maps.Select(m => m.Pair).ToArray();
        _nodeMaps = maps.Select(m => m.Node).ToArray();
        _channels = channels;
        if (_pairMaps.Concat(_nodeMaps).Any(m => m.Inputs != 6 * channels || m.Outputs != channels))
        {
            throw new ArgumentException($"box maps read 6C = {6 * channels} channels and write C = {channels}", nameof(maps));
        }
        _pairFirst = DenseLayer.SideBySide(_pairMaps.Select(m => m.First).ToArray());
        _nodeFirst = DenseLayer.SideBySide(_nodeMaps.Select(m => m.First).ToArray());
    }

    /// <summary>Number of maps; outputs are laid out map after map.</summary>
    public int Maps => _pairMaps.Length;

    /// <summary>Reads a box map's two MLPs, <c>{prefix}.{pairName}</c> and <c>{prefix}.{nodeName}</c>.</summary>
    public static (Mlp Pair, Mlp Node) ReadMap(WeightSet weights, string prefix, string pairName, string nodeName, int channels, int hidden, int layers) =>
        (Mlp.From(weights, $"{prefix}.{pairName}", 6 * channels, channels, hidden, layers),
         Mlp.From(weights, $"{prefix}.{nodeName}", 6 * channels, channels, hidden, layers));

    /// <summary>
    /// Applies every map to <paramref name="tokens"/> tokens of dimension <paramref name="d"/>. Map m writes its raw pair
    /// output to <paramref name="pairOut"/> at m·tokens·d²·C and its node output to <paramref name="nodeOut"/> at m·tokens·d·C.
    /// </summary>
    public void Apply(ReadOnlySpan<float> pair, ReadOnlySpan<float> node, int tokens, int d, Span<float> pairOut, Span<float> nodeOut)
    {
        int c = _channels, pairSize = d * d * c, nodeSize = d * c;
        for (int t = 0; t < tokens; t++)
        {
            var tokenPair = pair.Slice(t * pairSize, pairSize);
            var tokenNode = node.Slice(t * nodeSize, nodeSize);
            ApplyToken(tokenPair, tokenNode, d, pairOut, nodeOut, t * pairSize, tokens * pairSize, t * nodeSize, tokens * nodeSize);
        }
    }

    private void ApplyToken(ReadOnlySpan<float> pair, ReadOnlySpan<float> node, int d, Span<float> pairOut, Span<float> nodeOut,
        int pairOffset, int pairStride, int nodeOffset, int nodeStride)
    {
        int c = _channels, width = _pairFirst.Outputs, entries = d * d;
        var arena = ScratchArena<float>.ForThread;
        using var scope = arena.Scope();
        var row = arena.Rent(d * c);
        var col = arena.Rent(d * c);
        var gP = arena.Rent(c);
        var gN = arena.Rent(c);
        PairOps.RowMeans(pair, d, c, row);
        PairOps.ColMeans(pair, d, c, col);
        PairOps.MeanOfRows(pair, entries, c, gP);
        PairOps.MeanOfRows(node, d, c, gN);

        // Per-coordinate parts of the pair first layer: by i (row_i, n_i, gP, bias) and by j (col_j, n_j).
        var byI = arena.Rent(d * width);
        var byJ = arena.Rent(d * width);
        var global = arena.Rent(width);
        _pairFirst.ForwardPart(row, c, d, c, c, byI, width, accumulate: false, withBias: true);
        _pairFirst.ForwardPart(node, c, d, 3 * c, c, byI, width, accumulate: true, withBias: false);
        _pairFirst.ForwardPart(gP, c, 1, 5 * c, c, global, width, accumulate: false, withBias: false);
        for (int i = 0; i < d; i++)
        {
            TensorPrimitives.Add(byI.Slice(i * width, width), global, byI.Slice(i * width, width));
        }
        _pairFirst.ForwardPart(col, c, d, 2 * c, c, byJ, width, accumulate: false, withBias: false);
        _pairFirst.ForwardPart(node, c, d, 4 * c, c, byJ, width, accumulate: true, withBias: false);

        int block = Math.Min(entries, Mlp.RowBlock);
        var hidden = arena.Rent(block * width);
        for (int e0 = 0; e0 < entries; e0 += block)
        {
            int n = Math.Min(block, entries - e0);
            var h = hidden[..(n * width)];
            _pairFirst.ForwardPart(pair[(e0 * c)..], c, n, 0, c, h, width, accumulate: false, withBias: false);
            for (int e = 0; e < n; e++)
            {
                int i = (e0 + e) / d, j = (e0 + e) % d;
                var he = h.Slice(e * width, width);
                TensorPrimitives.Add(he, byI.Slice(i * width, width), he);
                TensorPrimitives.Add(he, byJ.Slice(j * width, width), he);
            }
            Activations.SiLU(h);
            int offset = 0;
            for (int m = 0; m < _pairMaps.Length; m++)
            {
                _pairMaps[m].FinishFromHidden(h[offset..], width, n, pairOut[(m * pairStride + pairOffset + e0 * c)..], c);
                offset += _pairMaps[m].Hidden;
            }
        }

        // The node input is only d rows: build it whole.
        int nodeWidth = _nodeFirst.Outputs, six = 6 * c;
        var input = arena.Rent(d * six);
        for (int i = 0; i < d; i++)
        {
            var dst = input.Slice(i * six, six);
            node.Slice(i * c, c).CopyTo(dst);
            pair.Slice((i * d + i) * c, c).CopyTo(dst[c..]);
            row.Slice(i * c, c).CopyTo(dst[(2 * c)..]);
            col.Slice(i * c, c).CopyTo(dst[(3 * c)..]);
            gP.CopyTo(dst[(4 * c)..]);
            gN.CopyTo(dst[(5 * c)..]);
        }
        var nodeHidden = arena.Rent(d * nodeWidth);
        _nodeFirst.Forward(input, six, d, nodeHidden, nodeWidth);
        Activations.SiLU(nodeHidden);
        int nodeHiddenOffset = 0;
        for (int m = 0; m < _nodeMaps.Length; m++)
        {
            _nodeMaps[m].FinishFromHidden(nodeHidden[nodeHiddenOffset..], nodeWidth, d, nodeOut[(m * nodeStride + nodeOffset)..], c);
            nodeHiddenOffset += _nodeMaps[m].Hidden;
        }
    }
}
