using Afin.Network.Modules;
using static TorchSharp.torch;

namespace Afin.Simulation.Modules;

/// <summary>
/// The ratio classifier: a summary network for the data and an MLP on (theta, summary) whose output is the logit of
/// "theta and the data were simulated together", which at the optimum equals log p(data | theta) - log p(data).
/// </summary>
internal sealed class RatioEstimatorNetwork : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> _summary;
    private readonly Mlp _classifier;

    internal RatioEstimatorNetwork(nn.Module<Tensor, Tensor> summary, int summaryDimension, int headWidth, int parameterCount) : base(nameof(RatioEstimatorNetwork))
    {
        _summary = summary;
        _classifier = new Mlp(parameterCount + summaryDimension, 1, headWidth, 3);
        RegisterComponents();
    }

    /// <summary>The summaries (batch, dimension) of standardised data.</summary>
    public override Tensor forward(Tensor data) => _summary.forward(data);

    /// <summary>Logits for scaled parameters (..., p) against summaries that broadcast with them (..., dimension).</summary>
    internal Tensor Logit(Tensor theta, Tensor summary)
    {
        using var scope = NewDisposeScope();
        return _classifier.FromFirstPreactivation(_classifier.FirstLayerSplit(theta, summary)).squeeze(-1).MoveToOuterDisposeScope();
    }
}
