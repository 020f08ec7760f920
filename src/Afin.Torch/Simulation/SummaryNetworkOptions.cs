using System.Text.Json.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace Afin.Simulation;

/// <summary>The summary network shared by every estimator.</summary>
public sealed record SummaryNetworkOptions
{
    /// <summary>The network kind; <see cref="SummaryNetworkKind.Auto"/> picks one from the data layout.</summary>
    public SummaryNetworkKind Kind { get; init; } = SummaryNetworkKind.Auto;

    /// <summary>Hidden width of the dense layers.</summary>
    public int Width { get; init; } = 64;

    /// <summary>Length of the summary vector.</summary>
    public int OutputDimension { get; init; } = 32;

    /// <summary>Channels of the first convolution (doubled by each of the next two) for <see cref="SummaryNetworkKind.Cnn"/>.</summary>
    public int Channels { get; init; } = 16;

    /// <summary>
    /// For <see cref="SummaryNetworkKind.Custom"/>: builds the network for a data shape. It receives a float tensor of
    /// shape (batch, Shape.Size), standardised per element, and must return (batch, <see cref="OutputDimension"/>). It is
    /// not saved with a model: pass the same factory to the load call.
    /// </summary>
    [JsonIgnore]
    public Func<DataShape, nn.Module<Tensor, Tensor>>? CustomFactory { get; init; }

    /// <summary>The kind actually built for <paramref name="shape"/>.</summary>
    public SummaryNetworkKind Resolve(DataShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return Kind != SummaryNetworkKind.Auto ? Kind : shape.Layout switch
        {
            DataLayout.Grid => SummaryNetworkKind.Cnn,
            DataLayout.Replicates => SummaryNetworkKind.DeepSet,
            _ => SummaryNetworkKind.Mlp,
        };
    }

    /// <summary>Checks the options against a data shape; the message names the field and what was expected.</summary>
    public void Validate(DataShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        foreach (var (name, value) in new[] { (nameof(Width), Width), (nameof(OutputDimension), OutputDimension), (nameof(Channels), Channels) })
        {
            if (value < 1)
            {
                throw new ArgumentOutOfRangeException(name, value, $"SummaryNetworkOptions.{name} = {value}; expected at least 1");
            }
        }
        var kind = Resolve(shape);
        if (kind == SummaryNetworkKind.Cnn && shape.Layout != DataLayout.Grid)
        {
            throw new ArgumentException($"SummaryNetworkOptions.Kind = Cnn needs grid data; the simulator produces a {shape}");
        }
        if (kind == SummaryNetworkKind.DeepSet && shape.Layout != DataLayout.Replicates)
        {
            throw new ArgumentException($"SummaryNetworkOptions.Kind = DeepSet needs replicate data; the simulator produces a {shape}");
        }
        if (kind == SummaryNetworkKind.Custom && CustomFactory is null)
        {
            throw new ArgumentException("SummaryNetworkOptions.Kind = Custom needs a CustomFactory");
        }
    }
}
