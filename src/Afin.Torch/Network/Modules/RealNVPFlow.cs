using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Afin.Network.Modules;

/// <summary>
/// A stack of <see cref="CouplingLayer"/>s conditioned on the flow context. <see cref="forward"/> maps base draws
/// through couplings 0..K-1; <see cref="Inverse"/> maps back through K-1..0. Both return the summed log|det|.
/// </summary>
internal sealed class RealNVPFlow : nn.Module<Tensor, Tensor, Tensor, (Tensor Output, Tensor LogDet)>
{
    private readonly ModuleList<CouplingLayer> steps;

    /// <summary>Creates <paramref name="numSteps"/> couplings.</summary>
    public RealNVPFlow(long contextDim, long hiddenDim, int numLayers, int numSteps, double maxLogScale) : base(nameof(RealNVPFlow))
    {
        steps = new ModuleList<CouplingLayer>();
        for (int k = 0; k < numSteps; k++)
        {
            steps.Add(new CouplingLayer(contextDim, hiddenDim, numLayers, maxLogScale, k));
        }
        RegisterComponents();
    }

    /// <summary>Strength s applied to every coupling by <see cref="forward"/>.</summary>
    internal double Strength { get; set; } = 1.0;

    /// <summary>Forward pass (sampling direction) with strength <see cref="Strength"/>.</summary>
    public override (Tensor Output, Tensor LogDet) forward(Tensor x, Tensor nodeContext, Tensor pairContext) =>
        Forward(x, nodeContext, pairContext, Strength);

    /// <summary>Forward pass (sampling direction) with strength <paramref name="s"/>.</summary>
    public (Tensor Output, Tensor LogDet) Forward(Tensor x, Tensor nodeContext, Tensor pairContext, double s)
    {
        var logDet = zeros(x.shape[0], dtype: x.dtype, device: x.device);
        foreach (var step in steps)
        {
            var (y, ld) = step.Transform(x, nodeContext, pairContext, s, inverse: false);
            x = y;
            logDet = logDet + ld;
        }
        return (x, logDet);
    }

    /// <summary>Inverse pass (density direction) with strength <paramref name="s"/>.</summary>
    public (Tensor Output, Tensor LogDet) Inverse(Tensor y, Tensor nodeContext, Tensor pairContext, double s)
    {
        var logDet = zeros(y.shape[0], dtype: y.dtype, device: y.device);
        for (int k = steps.Count - 1; k >= 0; k--)
        {
            var (x, ld) = steps[k].Transform(y, nodeContext, pairContext, s, inverse: true);
            y = x;
            logDet = logDet + ld;
        }
        return (y, logDet);
    }
}
