using TorchSharp;
using static TorchSharp.torch;

namespace Afin.Network.Modules;

/// <summary>
/// One RealNVP affine coupling with a deterministic mask m (see <see cref="CouplingMask"/>). The conditioner sees the
/// kept coordinates through node scalars [u_keep_i, m_i] and pair scalars [u_keep_i, u_keep_j, m_i, m_j, m_i·m_j, δ_ij]
/// (symlogged, appended after the flow context), a box layer, and a zero-initialised param head giving (t, r),
/// ℓ = b·tanh(r/b). With strength s: forward y = u_keep + (1-m)⊙(u·e^{sℓ} + s·t), log|det| = Σ(1-m)·s·ℓ.
/// Contexts may have batch size 1 and broadcast against the batch of u.
/// </summary>
internal sealed class CouplingLayer : nn.Module<Tensor, Tensor, Tensor, (Tensor Output, Tensor LogDet)>
{
    private readonly Mlp node_proj;
    private readonly Mlp pair_proj;
    private readonly BoxLayer box;
    private readonly Mlp param_head;
    private readonly double _bound;
    private readonly int _layer;

    /// <summary>Creates coupling <paramref name="layerIndex"/> over <paramref name="contextDim"/> channels.</summary>
    public CouplingLayer(long contextDim, long hiddenDim, int numLayers, double maxLogScale, int layerIndex) : base(nameof(CouplingLayer))
    {
        _bound = maxLogScale;
        _layer = layerIndex;
        node_proj = new Mlp(contextDim + 2, contextDim, hiddenDim, numLayers);
        pair_proj = new Mlp(contextDim + 6, contextDim, hiddenDim, numLayers);
        box = new BoxLayer(contextDim, hiddenDim, numLayers);
        param_head = new Mlp(contextDim, 2, hiddenDim, numLayers);
        param_head.ZeroLast();
        RegisterComponents();
    }

    /// <summary>Strength used by <see cref="forward"/>; set by the flow before each call.</summary>
    internal double Strength { get; set; } = 1.0;

    /// <summary>The mask as a (d) float tensor on <paramref name="device"/>.</summary>
    internal Tensor Mask(int d, Device device) => tensor(CouplingMask.Get(_layer, d), device: device);

    /// <summary>Forward transform of u (B,d); returns (y, log|det|) with log|det| of shape (B).</summary>
    public override (Tensor Output, Tensor LogDet) forward(Tensor u, Tensor nodeContext, Tensor pairContext) =>
        Transform(u, nodeContext, pairContext, Strength, inverse: false);

    /// <summary>The forward (<paramref name="inverse"/> false) or inverse transform with strength <paramref name="s"/>.</summary>
    public (Tensor Output, Tensor LogDet) Transform(Tensor x, Tensor nodeContext, Tensor pairContext, double s, bool inverse)
    {
        int d = (int)x.shape[^1];
        var m = Mask(d, x.device).to(x.dtype);
        var free = 1 - m;
        var keep = x * m;
        var (t, l) = Conditioner(keep, m, nodeContext, pairContext);
        var strength = TorchScalars.Of(s);
        var sl = l.mul(strength);
        Tensor output;
        if (!inverse)
        {
            output = keep + free * (x * sl.exp() + t.mul(strength));
        }
        else
        {
            output = keep + free * ((x - t.mul(strength)) * (-sl).exp());
        }
        var logDet = (free * sl).sum(-1);
        return (output, inverse ? -logDet : logDet);
    }

    private (Tensor Shift, Tensor LogScale) Conditioner(Tensor keep, Tensor m, Tensor nodeContext, Tensor pairContext)
    {
        long b = keep.shape[0], d = keep.shape[1];
        var mb = m.unsqueeze(0).expand(b, d);
        var nodeScalars = PairOps.Symlog(stack([keep, mb], -1));
        var node = node_proj.ForwardSplit(nodeContext, nodeScalars);

        var xi = keep.unsqueeze(-1).expand(b, d, d);
        var xj = keep.unsqueeze(-2).expand(b, d, d);
        var mi = mb.unsqueeze(-1).expand(b, d, d);
        var mj = mb.unsqueeze(-2).expand(b, d, d);
        var eye = torch.eye(d, dtype: keep.dtype, device: keep.device).expand(b, d, d);
        var pairScalars = PairOps.Symlog(stack([xi, xj, mi, mj, mi * mj, eye], -1));
        var pair = pair_proj.ForwardSplit(pairContext, pairScalars);

        (_, node) = box.forward(pair, node);
        var raw = param_head.forward(node);
        var shift = raw.select(-1, 0);
        var bound = TorchScalars.Of(_bound);
        var logScale = raw.select(-1, 1).div(bound).tanh().mul(bound);
        return (shift, logScale);
    }
}
