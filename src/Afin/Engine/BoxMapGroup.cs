
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
    /// All tokens go through each product together, so a pass makes the same few calls whatever the number of tokens.
    /// </summary>
    public void Apply(ReadOnlySpan<float> pair, ReadOnlySpan<float> node, int tokens, int d, Span<float> pairOut, Span<float> nodeOut)
    {
        int c = _channels, width = _pairFirst.Outputs, entries = d * d, pairSize = entries * c, nodeSize = d * c;
        int rows = tokens * d;
        var arena = ScratchArena<float>.ForThread;
        using var scope = arena.Scope();
        // Summaries of every token: row_i, col_i, diag_i (tokens·d rows) and the global pair and node means (one row each).
        var row = arena.Rent(rows * c);
        var col = arena.Rent(rows * c);
        var diag = arena.Rent(rows * c);
        var gP = arena.Rent(tokens * c);
        var gN = arena.Rent(tokens * c);
        for (int t = 0; t < tokens; t++)
        {
            var tokenPair = pair.Slice(t * pairSize, pairSize);
            PairOps.RowMeans(tokenPair, d, c, row.Slice(t * nodeSize, nodeSize));
            PairOps.ColMeans(tokenPair, d, c, col.Slice(t * nodeSize, nodeSize));
            PairOps.Diagonal(tokenPair, d, c, diag.Slice(t * nodeSize, nodeSize));
            PairOps.MeanOfRows(tokenPair, entries, c, gP.Slice(t * c, c));
            PairOps.MeanOfRows(node.Slice(t * nodeSize, nodeSize), d, c, gN.Slice(t * c, c));
        }

        // Per-coordinate parts of the pair first layer: by i (row_i, n_i, gP, bias) and by j (col_j, n_j).
        var byI = arena.Rent(rows * width);
        var byJ = arena.Rent(rows * width);
        var global = arena.Rent(tokens * width);
        _pairFirst.ForwardPart(row, c, rows, c, c, byI, width, accumulate: false, withBias: true);
        _pairFirst.ForwardPart(node, c, rows, 3 * c, c, byI, width, accumulate: true, withBias: false);
        _pairFirst.ForwardPart(gP, c, tokens, 5 * c, c, global, width, accumulate: false, withBias: false);
        for (int r = 0; r < rows; r++)
        {
            VectorMath.AddInPlace(byI.Slice(r * width, width), global.Slice(r / d * width, width));
        }
        _pairFirst.ForwardPart(col, c, rows, 2 * c, c, byJ, width, accumulate: false, withBias: false);
        _pairFirst.ForwardPart(node, c, rows, 4 * c, c, byJ, width, accumulate: true, withBias: false);

        // The d² entries of every token, a block of rows at a time: P_ij·W₀ + byI + byJ, SiLU, each map's later layers.
        int all = tokens * entries, block = Math.Min(all, Mlp.RowBlock);
        var hidden = arena.Rent(block * width);
        for (int e0 = 0; e0 < all; e0 += block)
        {
            int n = Math.Min(block, all - e0);
            var h = hidden[..(n * width)];
            _pairFirst.ForwardPart(pair[(e0 * c)..], c, n, 0, c, h, width, accumulate: false, withBias: false);
            for (int e = 0; e < n; e++)
            {
                int entry = e0 + e, t = entry / entries, i = entry % entries / d, j = entry % d;
                Activations.AddTwoThenSiLU(h.Slice(e * width, width), byI.Slice((t * d + i) * width, width), byJ.Slice((t * d + j) * width, width));
            }
            int offset = 0;
            for (int m = 0; m < _pairMaps.Length; m++)
            {
                _pairMaps[m].FinishFromHidden(h[offset..], width, n, pairOut[(m * tokens * pairSize + e0 * c)..], c);
                offset += _pairMaps[m].Hidden;
            }
        }

        // The node input is only d rows a token: build it whole.
        int nodeWidth = _nodeFirst.Outputs, six = 6 * c;
        var input = arena.Rent(rows * six);
        for (int r = 0; r < rows; r++)
        {
            int t = r / d;
            var dst = input.Slice(r * six, six);
            node.Slice(r * c, c).CopyTo(dst);
            diag.Slice(r * c, c).CopyTo(dst[c..]);
            row.Slice(r * c, c).CopyTo(dst[(2 * c)..]);
            col.Slice(r * c, c).CopyTo(dst[(3 * c)..]);
            gP.Slice(t * c, c).CopyTo(dst[(4 * c)..]);
            gN.Slice(t * c, c).CopyTo(dst[(5 * c)..]);
        }
        var nodeHidden = arena.Rent(rows * nodeWidth);
        _nodeFirst.Forward(input, six, rows, nodeHidden, nodeWidth);
        Activations.SiLU(nodeHidden);
        int nodeOffset = 0;
        for (int m = 0; m < _nodeMaps.Length; m++)
        {
            _nodeMaps[m].FinishFromHidden(nodeHidden[nodeOffset..], nodeWidth, rows, nodeOut[(m * tokens * nodeSize)..], c);
            nodeOffset += _nodeMaps[m].Hidden;
        }
    }
}
