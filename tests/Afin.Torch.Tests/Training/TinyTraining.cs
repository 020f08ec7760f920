using Afin.Network;
using Afin.Training;

namespace Afin.Tests.Training;

/// <summary>Tiny networks and short runs so training tests stay fast on two cores.</summary>
internal static class TinyTraining
{
    internal static readonly AfinNetworkOptions Network = new()
    {
        FeatureWidth = 8, AdapterHidden = 8, BoxHidden = 12, MergeHidden = 12, DecoderHidden = 12, EncoderLayers = 1, MergeBlocks = 1,
        FlowHidden = 8, FlowContext = 8, FlowSteps = 2,
    };

    internal static readonly TaskDistribution Tasks = new() { MinDimension = 1, MaxDimension = 3, MinSites = 1, MaxSites = 6 };

    internal static TrainingOptions Options(int steps) => new()
    {
        Steps = steps, BatchSize = 4, MicroBatches = 2, WarmupSteps = 2, ValidationEvery = 0, ValidationProblems = 6, CheckpointEvery = 0,
        EmaStartStep = 2, EmaDecay = 0.9, FlowWarmupSteps = 3, Seed = 11,
    };

    internal static string TempPath(string extension) => Path.Combine(Path.GetTempPath(), $"afin-{Guid.NewGuid():N}{extension}");

    internal static float[] Weights(AfinNetwork network) =>
        network.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray()).ToArray();

    internal static float[] Weights(Afin.Persistence.AfinModel model)
    {
        using var network = AfinNetwork.FromModel(model);
        return Weights(network);
    }
}
