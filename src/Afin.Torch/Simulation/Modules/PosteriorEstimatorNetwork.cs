using static TorchSharp.torch;

namespace Afin.Simulation.Modules;

/// <summary>The summary network and a conditional density of scaled parameters given the summary.</summary>
internal sealed class PosteriorEstimatorNetwork : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> _summary;
    private readonly nn.Module _density;

    internal PosteriorEstimatorNetwork(nn.Module<Tensor, Tensor> summary, nn.Module density) : base(nameof(PosteriorEstimatorNetwork))
    {
        _summary = summary;
        _density = density;
        RegisterComponents();
    }

    /// <summary>The conditional density.</summary>
    internal IConditionalDensity Density => (IConditionalDensity)_density;

    /// <summary>The summaries (batch, dimension) of standardised data: the density's context.</summary>
    public override Tensor forward(Tensor data) => _summary.forward(data);
}
