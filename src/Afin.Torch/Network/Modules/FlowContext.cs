using TorchSharp;
using static TorchSharp.torch;

namespace Afin.Network.Modules;

/// <summary>
/// Flow context projections: node_ctx = MLP(3C -> Cc)([n_i, ½(row_i+col_i), diag_i]) (B,d,Cc) and
/// pair_ctx = sym(MLP(C -> Cc)(P)) (B,d,d,Cc). Default initialisation.
/// </summary>
internal sealed class FlowContext : nn.Module<Tensor, Tensor, (Tensor Node, Tensor Pair)>
{
    private readonly Mlp node_proj;
    private readonly Mlp pair_proj;

    /// <summary>Creates the two projections.</summary>
    public FlowContext(long channels, long contextDim, long hiddenDim, int numLayers) : base(nameof(FlowContext))
    {
        node_proj = new Mlp(3 * channels, contextDim, hiddenDim, numLayers);
        pair_proj = new Mlp(channels, contextDim, hiddenDim, numLayers);
        RegisterComponents();
    }

    /// <summary>Returns (node_ctx, pair_ctx) from the pooled features.</summary>
    public override (Tensor Node, Tensor Pair) forward(Tensor pair, Tensor node)
    {
        var rowCol = (PairOps.RowMean(pair) + PairOps.ColMean(pair)).mul_(TorchScalars.Half);
        var nodeCtx = node_proj.ForwardSplit(node, rowCol, PairOps.Diagonal(pair));
        var pairCtx = PairOps.SymPair(pair_proj.forward(pair));
        return (nodeCtx, pairCtx);
    }
}
