using Afin.Network;
using Afin.Network.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Afin.Simulation.Modules;

/// <summary>
/// Elementwise affine map whose shift μ(x) and log-scale ℓ(x) come from an MLP of the context alone. In the density
/// direction z = (θ - μ)·e^{-ℓ}, log|det| = -Σℓ; in the sampling direction θ = z·e^{ℓ} + μ. It opens the spline flow so
/// that the bulk of θ | x is moved and rescaled into [-B, B], where the splines act, before any spline sees it.
/// The last layer is zero-initialised, so the layer starts as the identity.
/// </summary>
internal sealed class ConditionalAffineLayer : nn.Module<Tensor, Tensor, (Tensor Output, Tensor LogDet)>
{
    private readonly Mlp net;
    private readonly int _parameterDim;
    private readonly double _maxLogScale;

    /// <summary>Creates the layer over <paramref name="parameterDim"/> coordinates.</summary>
    /// <param name="parameterDim">Number of coordinates p.</param>
    /// <param name="contextDim">Width c of the context.</param>
    /// <param name="hiddenDim">Hidden width of the MLP.</param>
    /// <param name="mlpLayers">Number of Linear layers of the MLP (at least 2).</param>
    /// <param name="maxLogScale">Bound b of the soft clamp ℓ = b·tanh(r / b), which keeps e^{±ℓ} finite in float32.</param>
    public ConditionalAffineLayer(int parameterDim, int contextDim, int hiddenDim, int mlpLayers, double maxLogScale) : base(nameof(ConditionalAffineLayer))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLogScale);
        _parameterDim = parameterDim;
        _maxLogScale = maxLogScale;
        net = new Mlp(contextDim, 2L * parameterDim, hiddenDim, mlpLayers);
        net.ZeroLast();
        RegisterComponents();
    }

    /// <summary>Density direction θ → z; returns z and log|dz/dθ| per row (n).</summary>
    public override (Tensor Output, Tensor LogDet) forward(Tensor theta, Tensor context) => Transform(theta, context, inverse: false);

    /// <summary>The density direction (<paramref name="inverse"/> false) or the sampling direction z → θ.</summary>
    public (Tensor Output, Tensor LogDet) Transform(Tensor x, Tensor context, bool inverse)
    {
        using var scope = NewDisposeScope();
        var raw = net.forward(context);
        var shift = raw.narrow(-1, 0, _parameterDim);
        var bound = TorchScalars.Of(_maxLogScale);
        var logScale = raw.narrow(-1, _parameterDim, _parameterDim).div(bound).tanh().mul(bound);
        Tensor output;
        Tensor logDet;
        if (!inverse)
        {
            output = (x - shift) * (-logScale).exp();
            logDet = -logScale.sum(-1);
        }
        else
        {
            output = x * logScale.exp() + shift;
            logDet = logScale.sum(-1);
        }
        return (output.MoveToOuterDisposeScope(), logDet.MoveToOuterDisposeScope());
    }
}
