using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Afin.Network.Modules;

/// <summary>A stack of residual <see cref="BoxLayer"/>s applied to every factor token independently (no normalisation).</summary>
internal sealed class BoxEncoder : nn.Module<Tensor, Tensor, (Tensor Pair, Tensor Node)>
{
    private readonly ModuleList<BoxLayer> layers;

    /// <summary>Creates <paramref name="depth"/> box layers.</summary>
    public BoxEncoder(long channels, long hiddenDim, int numLayers, int depth) : base(nameof(BoxEncoder))
    {
        layers = new ModuleList<BoxLayer>();
        for (int i = 0; i < depth; i++)
        {
            layers.Add(new BoxLayer(channels, hiddenDim, numLayers));
        }
        RegisterComponents();
    }

    /// <summary>Applies the layers in order.</summary>
    public override (Tensor Pair, Tensor Node) forward(Tensor pair, Tensor node)
    {
        foreach (var layer in layers)
        {
            (pair, node) = layer.forward(pair, node);
        }
        return (pair, node);
    }
}
