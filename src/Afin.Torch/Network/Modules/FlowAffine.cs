using TorchSharp;
using static TorchSharp.torch;

namespace Afin.Network.Modules;

/// <summary>
/// The flow's final per-coordinate affine: (a_i, r_i) = head(rich node features), ℓ_i = b·tanh(r_i/b).
/// The head's last layer is zero, so the affine is the identity at initialisation.
/// </summary>
internal sealed class FlowAffine : nn.Module<Tensor, Tensor, (Tensor Shift, Tensor LogScale)>
{
    private readonly Mlp head;
    private readonly double _bound;

    /// <summary>Creates the head.</summary>
    public FlowAffine(long channels, long hiddenDim, int numLayers, double maxLogScale) : base(nameof(FlowAffine))
    {
        _bound = maxLogScale;
        head = new Mlp(5 * channels, 2, hiddenDim, numLayers);
        head.ZeroLast();
        RegisterComponents();
    }

    /// <summary>Returns the shift a (B,d) and the bounded log-scale ℓ (B,d).</summary>
    public override (Tensor Shift, Tensor LogScale) forward(Tensor pair, Tensor node)
    {
        var raw = head.forward(PairOps.RichNodeFeatures(pair, node));
        var shift = raw.select(-1, 0);
        var bound = TorchScalars.Of(_bound);
        var logScale = raw.select(-1, 1).div(bound).tanh().mul(bound);
        return (shift, logScale);
    }
}
