using Afin.Network.Modules;
using static TorchSharp.torch;

namespace Afin.Simulation.Modules;

/// <summary>
/// Summary network then an MLP head giving, per parameter, the mean (optional) and the quantiles. Quantiles are built
/// as the first one plus cumulative softplus increments, so they never cross.
/// </summary>
internal sealed class BayesEstimatorNetwork : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> _summary;
    private readonly Mlp _head;
    private readonly int _parameterCount, _quantiles, _means;

    internal BayesEstimatorNetwork(nn.Module<Tensor, Tensor> summary, int summaryDimension, int headWidth, int parameters, int quantiles, bool includeMean)
        : base(nameof(BayesEstimatorNetwork))
    {
        _summary = summary;
        _parameterCount = parameters;
        _quantiles = quantiles;
        _means = includeMean ? 1 : 0;
        _head = new Mlp(summaryDimension, parameters * (quantiles + _means), headWidth, 3);
        RegisterComponents();
    }

    /// <summary>(batch, parameters, targets): the mean first when learned, then the quantiles in increasing order.</summary>
    public override Tensor forward(Tensor data)
    {
        using var scope = NewDisposeScope();
        var raw = _head.forward(_summary.forward(data)).reshape(-1, _parameterCount, _quantiles + _means);
        if (_quantiles < 2)
        {
            return raw.MoveToOuterDisposeScope();
        }
        var quantiles = raw.narrow(2, _means, _quantiles);
        var steps = cat([quantiles.narrow(2, 0, 1), nn.functional.softplus(quantiles.narrow(2, 1, _quantiles - 1))], 2).cumsum(2);
        return (_means == 1 ? cat([raw.narrow(2, 0, 1), steps], 2) : steps).MoveToOuterDisposeScope();
    }
}
