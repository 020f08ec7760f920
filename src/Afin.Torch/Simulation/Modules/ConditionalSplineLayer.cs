using Afin.Network.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Afin.Simulation.Modules;

/// <summary>
/// One layer of <see cref="ConditionalSplineFlow"/>: monotone rational-quadratic splines (see
/// <see cref="RationalQuadraticSpline"/>) applied to some coordinates, with spline parameters from an MLP conditioner.
/// For p = 1 the single coordinate is transformed and the conditioner reads only the context, so every layer is a
/// full, context-dependent monotone map of the one parameter. For p ≥ 2 the layer is a coupling: with m = ⌊p/2⌋, even
/// layers transform θ[m..p) given [symlog θ[0..m), context] and odd layers transform θ[0..m) given [symlog θ[m..p), context], so two
/// consecutive layers touch every coordinate. The conditioner's last layer is zero-initialised: the layer starts as
/// the identity.
/// </summary>
internal sealed class ConditionalSplineLayer : nn.Module<Tensor, Tensor, (Tensor Output, Tensor LogDet)>
{
    private readonly Mlp conditioner;
    private readonly int _bins;
    private readonly double _bound;
    private readonly long _keptStart;
    private readonly long _keptCount;
    private readonly long _changedStart;
    private readonly long _changedCount;

    /// <summary>Creates layer <paramref name="layerIndex"/> of a flow over <paramref name="parameterDim"/> coordinates.</summary>
    /// <param name="parameterDim">Number of coordinates p.</param>
    /// <param name="contextDim">Width c of the context.</param>
    /// <param name="hiddenDim">Hidden width of the conditioner MLP.</param>
    /// <param name="mlpLayers">Number of Linear layers of the conditioner (at least 2).</param>
    /// <param name="bins">Number of spline bins K (at least 2).</param>
    /// <param name="bound">Half-width B of the spline interval [-B, B].</param>
    /// <param name="layerIndex">Position in the flow; its parity picks which half is transformed when p ≥ 2.</param>
    public ConditionalSplineLayer(int parameterDim, int contextDim, int hiddenDim, int mlpLayers, int bins, double bound, int layerIndex)
        : base(nameof(ConditionalSplineLayer))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        _bins = bins;
        _bound = bound;
        if (parameterDim == 1)
        {
            (_keptStart, _keptCount, _changedStart, _changedCount) = (0, 0, 0, 1);
        }
        else
        {
            long m = parameterDim / 2;
            (_keptStart, _keptCount, _changedStart, _changedCount) = layerIndex % 2 == 0
                ? (0L, m, m, parameterDim - m)
                : (m, parameterDim - m, 0L, m);
        }
        conditioner = new Mlp(_keptCount + contextDim, _changedCount * RationalQuadraticSpline.ParameterCount(bins), hiddenDim, mlpLayers);
        conditioner.ZeroLast();
        RegisterComponents();
    }

    /// <summary>Density direction θ → z; returns the output (n, p) and log|det| per row (n).</summary>
    public override (Tensor Output, Tensor LogDet) forward(Tensor x, Tensor context) => Transform(x, context, inverse: false);

    /// <summary>The density direction (<paramref name="inverse"/> false) or its exact inverse (sampling direction).</summary>
    public (Tensor Output, Tensor LogDet) Transform(Tensor x, Tensor context, bool inverse)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0];
        // The kept half is the same on both sides of the layer, so the conditioner sees the same input either way.
        // It reads the kept half through symlog: a far-out draw (θ tens of scales away) would otherwise drive the MLP
        // to extreme spline parameters, whose nearly flat bins the float32 inverse cannot resolve.
        var raw = _keptCount == 0
            ? conditioner.forward(context)
            : conditioner.ForwardSplit(PairOps.Symlog(x.narrow(-1, _keptStart, _keptCount)), context);
        raw = raw.view(n, _changedCount, RationalQuadraticSpline.ParameterCount(_bins));
        var changed = x.narrow(-1, _changedStart, _changedCount);
        var (y, logDet) = inverse
            ? RationalQuadraticSpline.Inverse(changed, raw, _bound)
            : RationalQuadraticSpline.Forward(changed, raw, _bound);
        Tensor output;
        if (_keptCount == 0)
        {
            output = y;
        }
        else
        {
            var kept = x.narrow(-1, _keptStart, _keptCount);
            output = _changedStart == 0 ? cat([y, kept], -1) : cat([kept, y], -1);
        }
        return (output.MoveToOuterDisposeScope(), logDet.sum(-1).MoveToOuterDisposeScope());
    }
}
