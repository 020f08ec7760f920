using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Afin.Network.Modules;

/// <summary>
/// Light per-site layers between a site's adapter and the pooling: residual MLPs applied entry by entry to the pair
/// (…, d, d, C) and node (…, d, C) outputs, last layers zero so each starts as the identity. In the pooled
/// architecture the adapter and these layers are the only per-site computation; the sum over sites can then carry
/// nonlinear per-site statistics (products such as x_i·x_j/σ², which the exact linear-Gaussian posterior sums)
/// while the cost stays O(N d² C H) with no coordinate mixing per site.
/// </summary>
internal sealed class SiteRefiner : nn.Module<Tensor, Tensor, (Tensor Pair, Tensor Node)>
{
    private readonly ModuleList<Mlp> pair_layers;
    private readonly ModuleList<Mlp> node_layers;

    /// <summary>Creates <paramref name="layers"/> residual layers for pair and for node entries.</summary>
    public SiteRefiner(long channels, long hiddenDim, int layers) : base(nameof(SiteRefiner))
    {
        pair_layers = new ModuleList<Mlp>();
        node_layers = new ModuleList<Mlp>();
        for (int l = 0; l < layers; l++)
        {
            var pair = new Mlp(channels, channels, hiddenDim, 2);
            var node = new Mlp(channels, channels, hiddenDim, 2);
            pair.ZeroLast();
            node.ZeroLast();
            pair_layers.Add(pair);
            node_layers.Add(node);
        }
        RegisterComponents();
    }

    /// <summary>Applies the residual layers in order.</summary>
    public override (Tensor Pair, Tensor Node) forward(Tensor pair, Tensor node)
    {
        for (int l = 0; l < pair_layers.Count; l++)
        {
            pair = pair + pair_layers[l].forward(pair);
            node = node + node_layers[l].forward(node);
        }
        return (pair, node);
    }
}
