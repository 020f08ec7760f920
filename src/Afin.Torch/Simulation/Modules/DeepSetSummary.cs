using Afin.Network.Modules;
using static TorchSharp.torch;

namespace Afin.Simulation.Modules;

/// <summary>
/// DeepSets summary for exchangeable replicates: phi (an MLP) on each replicate, the mean over replicates, then rho (an
/// MLP). The mean makes the summary invariant to replicate order, which is what exchangeability means.
/// </summary>
internal sealed class DeepSetSummary : nn.Module<Tensor, Tensor>
{
    private readonly Mlp _phi, _rho;
    private readonly long _replicates, _length;

    internal DeepSetSummary(DataShape shape, int width, int outputDimension) : base(nameof(DeepSetSummary))
    {
        _replicates = shape.Rows;
        _length = shape.Columns;
        _phi = new Mlp(_length, width, width, 3);
        _rho = new Mlp(width, outputDimension, width, 2);
        RegisterComponents();
    }

    public override Tensor forward(Tensor data)
    {
        using var scope = NewDisposeScope();
        var pooled = _phi.forward(data.reshape(-1, _replicates, _length)).mean([1]);
        return _rho.forward(pooled).MoveToOuterDisposeScope();
    }
}
