using Afin.Network.Modules;
using static TorchSharp.torch;

namespace Afin.Simulation.Modules;

/// <summary>Builds the summary network that <see cref="SummaryNetworkOptions"/> describes for a data shape.</summary>
internal static class SummaryNetworks
{
    internal static nn.Module<Tensor, Tensor> Create(SummaryNetworkOptions options, DataShape shape)
    {
        options.Validate(shape);
        // Every simulation estimator builds its summary network first: the place to give a clear native-load error.
        Afin.Network.TorchRuntime.EnsureNativeLoaded();
        return options.Resolve(shape) switch
        {
            SummaryNetworkKind.Cnn => new CnnSummary(shape, options.Channels, options.Width, options.OutputDimension),
            SummaryNetworkKind.DeepSet => new DeepSetSummary(shape, options.Width, options.OutputDimension),
            SummaryNetworkKind.Custom => options.CustomFactory!(shape),
            _ => new Mlp(shape.Size, options.OutputDimension, options.Width, 3),
        };
    }
}
