using static TorchSharp.torch;

namespace Afin.Network.Modules;

/// <summary>Permutation-equivariant helpers over node (..., d, C) and pair (..., d, d, C) tensors.</summary>
internal static class PairOps
{
    /// <summary>½(P + Pᵀ) over the two coordinate axes (-3, -2) of a pair tensor.</summary>
    public static Tensor SymPair(Tensor pair) => (pair + pair.transpose(-3, -2)).mul_(TorchScalars.Half);

    /// <summary>½(M + Mᵀ) over the last two axes.</summary>
    public static Tensor Sym(Tensor matrix) => (matrix + matrix.transpose(-1, -2)).mul_(TorchScalars.Half);

    /// <summary>sign(x)·log1p(|x|).</summary>
    public static Tensor Symlog(Tensor x) => x.sign() * x.abs().log1p();

    /// <summary>row_i = mean_j P[i,j] (..., d, C).</summary>
    public static Tensor RowMean(Tensor pair) => pair.mean([-2L]);

    /// <summary>col_j = mean_i P[i,j] (..., d, C).</summary>
    public static Tensor ColMean(Tensor pair) => pair.mean([-3L]);

    /// <summary>diag_i = P[i,i] (..., d, C).</summary>
    public static Tensor Diagonal(Tensor pair) => pair.diagonal(0, -3, -2).movedim([-1L], [-2L]);

    /// <summary>Global pair mean (..., C).</summary>
    public static Tensor GlobalPair(Tensor pair) => pair.mean([-3L, -2L]);

    /// <summary>
    /// The reference's <c>_rich_node_features</c>: [n_i, ½(row_i+col_i), diag_i, gN, gP] (..., d, 5C).
    /// </summary>
    public static Tensor RichNodeFeatures(Tensor pair, Tensor node)
    {
        var row = RowMean(pair);
        var col = ColMean(pair);
        var diag = Diagonal(pair);
        var gN = node.mean([-2L], keepdim: true).expand_as(node);
        var gP = GlobalPair(pair).unsqueeze(-2).expand_as(node);
        return cat([node, (row + col).mul_(TorchScalars.Half), diag, gN, gP], -1);
    }
}
