using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Afin.Network.Modules;

/// <summary>
/// A stack of <see cref="FactorAttentionBlock"/>s followed by masked sum pooling over the factor axis:
/// pair_feat = sym(Σ_k P_k) (B,d,d,C), node_feat = Σ_k n_k (B,d,C), over real (unpadded) factors only.
/// </summary>
internal sealed class FactorMerge : nn.Module<Tensor, Tensor, Tensor, (Tensor Pair, Tensor Node)>
{
    private readonly ModuleList<FactorAttentionBlock> blocks;

    /// <summary>Creates <paramref name="numBlocks"/> blocks.</summary>
    public FactorMerge(long channels, long modelDim, int numBlocks, int boxLayers, int heads) : base(nameof(FactorMerge))
    {
        blocks = new ModuleList<FactorAttentionBlock>();
        for (int i = 0; i < numBlocks; i++)
        {
            blocks.Add(new FactorAttentionBlock(channels, modelDim, boxLayers, heads));
        }
        RegisterComponents();
    }

    /// <summary>Runs the blocks and returns the unpooled tokens (used by tests and by <see cref="forward"/>).</summary>
    public (Tensor Pair, Tensor Node) Blocks(Tensor pair, Tensor node, Tensor mask)
    {
        foreach (var block in blocks)
        {
            (pair, node) = block.forward(pair, node, mask);
        }
        return (pair, node);
    }

    /// <summary>Runs the blocks and sum-pools the real factors.</summary>
    public override (Tensor Pair, Tensor Node) forward(Tensor pair, Tensor node, Tensor mask)
    {
        (pair, node) = Blocks(pair, node, mask);
        long b = pair.shape[0], k = pair.shape[1];
        var zero = zeros(1, dtype: pair.dtype, device: pair.device);
        var pm = mask.view(b, k, 1, 1, 1);
        var nm = mask.view(b, k, 1, 1);
        var pooledPair = PairOps.SymPair(where(pm, pair, zero).sum(1));
        var pooledNode = where(nm, node, zero).sum(1);
        return (pooledPair, pooledNode);
    }
}
