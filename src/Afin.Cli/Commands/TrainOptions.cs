using Afin.Canonical;
using System.CommandLine;
using Afin.Network;
using Afin.Training;

namespace Afin.Cli.Commands;

/// <summary>The options of <c>afin train</c> and how they map onto network, task and training options.</summary>
internal sealed class TrainOptions
{
    private static readonly AfinNetworkOptions NetworkDefaults = new();
    private static readonly TaskDistribution TaskDefaults = new();
    private static readonly TrainingOptions TrainingDefaults = new();

    internal Option<FileInfo> Out { get; } = new("--out") { Description = "Where to write the trained model.", Required = true };
    internal Option<FileInfo?> Checkpoint { get; } = new("--checkpoint") { Description = "Checkpoint file (default: OUT.ckpt); an existing one is resumed." };
    internal Option<bool> Restart { get; } = new("--restart") { Description = "Ignore an existing checkpoint and start afresh." };
    internal Option<PosteriorFamily> Family { get; } = new("--family") { Description = "Posterior family: Gaussian or Flow.", DefaultValueFactory = _ => NetworkDefaults.Family };
    internal Option<AfinArchitecture> Architecture { get; } = new("--architecture") { Description = "Faithful (one token per site, as published) or Pooled (one token per likelihood family; cost linear in N).", DefaultValueFactory = _ => NetworkDefaults.Architecture };
    internal Option<LatentCoordinates> Coordinates { get; } = new("--coordinates") { Description = "The coordinates the network sees problems in: Original (as stated), Diagonal or Full (Laplace coordinates: each problem mapped through its Laplace approximation; the default, chosen by the ablation in docs/benchmarks.md).", DefaultValueFactory = _ => LatentCoordinates.Full };
    internal Option<int> FeatureVersion { get; } = new("--feature-version") { Description = "Adapter inputs: 1 (published), 2 (logit offsets and Laplace-error sites; needed by Laplace coordinates) or 3 (2 and Poisson sites).", DefaultValueFactory = _ => AfinNetworkOptions.LatestFeatureVersion };
    internal Option<int> SiteLayers { get; } = new("--site-layers") { Description = "Residual per-site layers before pooling (0: none).", DefaultValueFactory = _ => NetworkDefaults.SiteLayers };
    internal Option<int> Width { get; } = new("--width") { Description = "Feature width C.", DefaultValueFactory = _ => NetworkDefaults.FeatureWidth };
    internal Option<int> Hidden { get; } = new("--hidden") { Description = "Hidden width of the box, merge and decoder MLPs.", DefaultValueFactory = _ => NetworkDefaults.BoxHidden };
    internal Option<int> EncoderLayers { get; } = new("--encoder-layers") { Description = "Box layers in the encoder.", DefaultValueFactory = _ => NetworkDefaults.EncoderLayers };
    internal Option<int> MergeBlocks { get; } = new("--merge-blocks") { Description = "Factor-attention blocks.", DefaultValueFactory = _ => NetworkDefaults.MergeBlocks };
    internal Option<int> DMin { get; } = new("--d-min") { DefaultValueFactory = _ => TaskDefaults.MinDimension, Description = "Smallest training dimension." };
    internal Option<int> DMax { get; } = new("--d-max") { DefaultValueFactory = _ => TaskDefaults.MaxDimension, Description = "Largest training dimension." };
    internal Option<int> NMin { get; } = new("--n-min") { DefaultValueFactory = _ => TaskDefaults.MinSites, Description = "Fewest likelihood sites." };
    internal Option<int> NMax { get; } = new("--n-max") { DefaultValueFactory = _ => TaskDefaults.MaxSites, Description = "Most likelihood sites." };
    internal Option<string[]> Priors { get; } = new("--priors") { Description = "Prior families (default: all).", AllowMultipleArgumentsPerToken = true };
    internal Option<string[]> Likelihoods { get; } = new("--likelihoods") { Description = "Likelihood families (default: all that the feature version has adapters for).", AllowMultipleArgumentsPerToken = true };
    internal Option<int> Steps { get; } = new("--steps") { DefaultValueFactory = _ => TrainingDefaults.Steps, Description = "Optimiser steps (extends a resumed run)." };
    internal Option<int> BatchSize { get; } = new("--batch-size") { DefaultValueFactory = _ => TrainingDefaults.BatchSize, Description = "Tasks per micro-batch." };
    internal Option<int> MicroBatches { get; } = new("--micro-batches") { DefaultValueFactory = _ => TrainingDefaults.MicroBatches, Description = "Micro-batches per step." };
    internal Option<double> LearningRate { get; } = new("--lr") { DefaultValueFactory = _ => TrainingDefaults.LearningRate, Description = "Peak learning rate." };
    internal Option<int> ValidationEvery { get; } = new("--validate-every") { DefaultValueFactory = _ => TrainingDefaults.ValidationEvery, Description = "Validate every K steps." };
    internal Option<int> CheckpointEvery { get; } = new("--checkpoint-every") { DefaultValueFactory = _ => TrainingDefaults.CheckpointEvery, Description = "Checkpoint every K steps." };
    internal Option<int> Seed { get; } = CommonOptions.Seed();
    internal Option<string> Device { get; } = new("--device") { DefaultValueFactory = _ => "cpu", Description = "cpu, cuda or auto." };

    internal Option<FileInfo?> PlotLoss { get; } = new("--plot-loss") { Description = "After training (or when cancelled), write a PNG of the loss and validation curves of this run's steps." };

    internal IEnumerable<Option> All =>
    [
        Out, Checkpoint, Restart, Architecture, Coordinates, FeatureVersion, SiteLayers, Family, Width, Hidden, EncoderLayers, MergeBlocks, DMin, DMax, NMin, NMax, Priors, Likelihoods,
        Steps, BatchSize, MicroBatches, LearningRate, ValidationEvery, CheckpointEvery, Seed, Device,
        PlotLoss,
    ];

    internal AfinNetworkOptions Network(ParseResult parse)
    {
        int hidden = parse.GetValue(Hidden);
        return NetworkDefaults with
        {
            Architecture = parse.GetValue(Architecture), SiteLayers = parse.GetValue(SiteLayers), Family = parse.GetValue(Family), FeatureWidth = parse.GetValue(Width), BoxHidden = hidden, MergeHidden = hidden, DecoderHidden = hidden,
            EncoderLayers = parse.GetValue(EncoderLayers), MergeBlocks = parse.GetValue(MergeBlocks),
            Coordinates = parse.GetValue(Coordinates), FeatureVersion = parse.GetValue(FeatureVersion),
        };
    }

    internal TaskDistribution Tasks(ParseResult parse) => TaskDefaults with
    {
        MinDimension = parse.GetValue(DMin), MaxDimension = parse.GetValue(DMax), MinSites = parse.GetValue(NMin), MaxSites = parse.GetValue(NMax),
        PriorFamilies = parse.GetValue(Priors) is { Length: > 0 } p ? p : TaskDefaults.PriorFamilies,
        LikelihoodFamilies = parse.GetValue(Likelihoods) is { Length: > 0 } l ? l : DefaultLikelihoods(parse.GetValue(FeatureVersion)),
    };

    /// <summary>
    /// Every family the feature version has adapters for; an invalid version gets the task defaults, so that the network
    /// options' own check names it.
    /// </summary>
    private static IReadOnlyList<string> DefaultLikelihoods(int featureVersion) =>
        featureVersion is >= 1 and <= AfinNetworkOptions.LatestFeatureVersion ? AfinNetworkOptions.LikelihoodFamiliesOf(featureVersion) : TaskDefaults.LikelihoodFamilies;

    internal TrainingOptions Training(ParseResult parse) => TrainingDefaults with
    {
        Steps = parse.GetValue(Steps), BatchSize = parse.GetValue(BatchSize), MicroBatches = parse.GetValue(MicroBatches),
        LearningRate = parse.GetValue(LearningRate), ValidationEvery = parse.GetValue(ValidationEvery), CheckpointEvery = parse.GetValue(CheckpointEvery),
        Seed = parse.GetValue(Seed), Device = parse.GetValue(Device)!,
    };
}
