using static TorchSharp.torch;

namespace Afin.Network.Modules;

/// <summary>
/// The shared box-map computation: pair MLP on [P_ij, row_i, col_j, n_i, n_j, gP] and node MLP on
/// [n_i, diag_i, row_i, col_i, gP, gN], with the summaries computed once and the 6C inputs never materialised.
/// </summary>
internal static class BoxMaps
{
    /// <summary>Returns the raw (unsymmetrised) pair output and the node output of the two MLPs.</summary>
    public static (Tensor Pair, Tensor Node) Apply(Mlp pairMlp, Mlp nodeMlp, Tensor pair, Tensor node) =>
        ApplyShared([(pairMlp, nodeMlp)], pair, node)[0];

    /// <summary>
    /// Several box maps over the same (pair, node) input, e.g. the Q, K and V maps of an attention block: the
    /// summaries are computed once and the first layers of all pair MLPs (and of all node MLPs) run as one layer.
    /// Returns each map's raw pair output and node output, in order.
    /// </summary>
    public static (Tensor Pair, Tensor Node)[] ApplyShared(IReadOnlyList<(Mlp Pair, Mlp Node)> maps, Tensor pair, Tensor node)
    {
        using var scope = NewDisposeScope();
        var row = PairOps.RowMean(pair);          // (..., d, C)
        var col = PairOps.ColMean(pair);          // (..., d, C)
        var diag = PairOps.Diagonal(pair);        // (..., d, C)
        var gP = PairOps.GlobalPair(pair).unsqueeze(-2); // (..., 1, C)
        var gN = node.mean([-2L], keepdim: true);   // (..., 1, C)

        var pairMlps = maps.Select(m => m.Pair).ToArray();
        var nodeMlps = maps.Select(m => m.Node).ToArray();
        var pairHidden = nn.functional.silu(Mlp.FirstLayerSplit(pairMlps,
            pair,
            row.unsqueeze(-2),
            col.unsqueeze(-3),
            node.unsqueeze(-2),
            node.unsqueeze(-3),
            gP.unsqueeze(-2)));
        var nodeHidden = nn.functional.silu(Mlp.FirstLayerSplit(nodeMlps, node, diag, row, col, gP, gN));
        var results = new (Tensor Pair, Tensor Node)[maps.Count];
        long pairOffset = 0, nodeOffset = 0;
        for (int m = 0; m < maps.Count; m++)
        {
            var pairOut = pairMlps[m].FromHidden(Slice(pairHidden, pairOffset, pairMlps[m].HiddenDim, maps.Count));
            var nodeOut = nodeMlps[m].FromHidden(Slice(nodeHidden, nodeOffset, nodeMlps[m].HiddenDim, maps.Count));
            pairOffset += pairMlps[m].HiddenDim;
            nodeOffset += nodeMlps[m].HiddenDim;
            results[m] = (pairOut.MoveToOuterDisposeScope(), nodeOut.MoveToOuterDisposeScope());
        }
        return results;
    }

    private static Tensor Slice(Tensor hidden, long offset, long width, int maps) =>
        maps == 1 ? hidden : hidden.narrow(-1, offset, width);
}
