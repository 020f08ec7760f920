using static TorchSharp.torch;

namespace Afin.Network.Modules;

/// <summary>
/// The shared box-map computation: pair MLP on [P_ij, row_i, col_j, n_i, n_j, gP] and node MLP on
/// [n_i, diag_i, row_i, col_i, gP, gN], with the summaries computed once and the 6C inputs never materialised.
/// </summary>
internal static class BoxMaps
{
    /// <summary>Returns the raw (unsymmetrised) pair output and the node output of the two MLPs.</summary>
    public static (Tensor Pair, Tensor Node) Apply(Mlp pairMlp, Mlp nodeMlp, Tensor pair, Tensor node)
    {
        using var scope = NewDisposeScope();
        var row = PairOps.RowMean(pair);          // (..., d, C)
        var col = PairOps.ColMean(pair);          // (..., d, C)
        var diag = PairOps.Diagonal(pair);        // (..., d, C)
        var gP = PairOps.GlobalPair(pair).unsqueeze(-2); // (..., 1, C)
        var gN = node.mean([-2L], keepdim: true);   // (..., 1, C)

        var pairPre = pairMlp.FirstLayerSplit(
            pair,
            row.unsqueeze(-2),
            col.unsqueeze(-3),
            node.unsqueeze(-2),
            node.unsqueeze(-3),
            gP.unsqueeze(-2));
        var pairOut = pairMlp.FromFirstPreactivation(pairPre);
        var nodeOut = nodeMlp.ForwardSplit(node, diag, row, col, gP, gN);
        return (pairOut.MoveToOuterDisposeScope(), nodeOut.MoveToOuterDisposeScope());
    }
}
