using Afin.Network;
using Afin.Persistence;
using Afin.Training;

namespace Afin.MLNet.Tests;

/// <summary>A tiny AFIN trained for two steps, saved once per test run (fast on two cores).</summary>
internal static class TestModel
{
    internal static readonly AfinNetworkOptions Network = new()
    {
        FeatureWidth = 8, AdapterHidden = 8, BoxHidden = 12, MergeHidden = 12, DecoderHidden = 12, EncoderLayers = 1, MergeBlocks = 1,
        FlowHidden = 8, FlowContext = 8, FlowSteps = 2,
    };

    internal static readonly TaskDistribution Tasks = new() { MinDimension = 1, MaxDimension = 3, MinSites = 1, MaxSites = 6 };

    internal static TrainingOptions Training(int steps) => new()
    {
        Steps = steps, BatchSize = 4, MicroBatches = 2, WarmupSteps = 2, ValidationEvery = 0, ValidationProblems = 6, CheckpointEvery = 0,
        EmaStartStep = 2, EmaDecay = 0.9, FlowWarmupSteps = 3, Seed = 11,
    };

    private static readonly Lazy<string> LazyPath = new(() =>
    {
        using var trainer = new AfinTrainer(Network, Tasks, Training(2));
        var model = trainer.Train();
        string path = TempPath(".afin");
        model.Save(path);
        return path;
    });

    /// <summary>The saved tiny model's path.</summary>
    internal static string Path => LazyPath.Value;

    /// <summary>Deletes every file <see cref="TempPath"/> handed out, the saved tiny model among them.</summary>
    internal static void DeleteTempFiles()
    {
        foreach (string path in TempPaths)
        {
            File.Delete(path);
        }
    }

    private static readonly System.Collections.Concurrent.ConcurrentBag<string> TempPaths = [];

    /// <summary>A fresh path in the temporary folder; the file written there is deleted when the test run ends.</summary>
    internal static string TempPath(string extension)
    {
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"afin-mlnet-{Guid.NewGuid():N}{extension}");
        TempPaths.Add(path);
        return path;
    }

    internal static float[] Weights(AfinModel model)
    {
        using var network = AfinNetwork.FromModel(model);
        return network.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray()).ToArray();
    }
}
