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
    internal Option<bool> WarmRestart { get; } = new("--warm-restart") { Description = "Resume the checkpoint's weights but begin a new learning-rate cycle at its step: warm-up to --lr, then cosine decay to --steps (as in SGDR). With --tasks, the new cycle draws from the task distribution this command's task options describe; without, from the checkpoint's." };
    internal Option<PosteriorFamily> Family { get; } = new("--family") { Description = "Posterior family: Gaussian or Flow.", DefaultValueFactory = _ => NetworkDefaults.Family };
    internal Option<AfinArchitecture> Architecture { get; } = new("--architecture") { Description = "Faithful (one token per site, as published) or Pooled (one token per likelihood family; cost linear in N).", DefaultValueFactory = _ => NetworkDefaults.Architecture };
    internal Option<LatentCoordinates> Coordinates { get; } = new("--coordinates") { Description = "The coordinates the network sees problems in: Original (as stated), Diagonal or Full (Laplace coordinates: each problem mapped through its Laplace approximation; the default, chosen by the ablation in docs/benchmarks.md).", DefaultValueFactory = _ => LatentCoordinates.Full };
    internal Option<int> FeatureVersion { get; } = new("--feature-version") { Description = "Adapter inputs: 1 (published), 2 (logit offsets and Laplace-error sites; needed by Laplace coordinates) or 3 (2 and Poisson sites).", DefaultValueFactory = _ => AfinNetworkOptions.LatestFeatureVersion };
    internal Option<int> SiteLayers { get; } = new("--site-layers") { Description = "Residual per-site layers before pooling (0: none).", DefaultValueFactory = _ => NetworkDefaults.SiteLayers };
    internal Option<int> Width { get; } = new("--width") { Description = "Feature width C.", DefaultValueFactory = _ => NetworkDefaults.FeatureWidth };
    internal Option<int> Hidden { get; } = new("--hidden") { Description = "Hidden width of the box, merge and decoder MLPs.", DefaultValueFactory = _ => NetworkDefaults.BoxHidden };
    internal Option<int> EncoderLayers { get; } = new("--encoder-layers") { Description = "Box layers in the encoder.", DefaultValueFactory = _ => NetworkDefaults.EncoderLayers };
    internal Option<int> MergeBlocks { get; } = new("--merge-blocks") { Description = "Factor-attention blocks.", DefaultValueFactory = _ => NetworkDefaults.MergeBlocks };
    internal Option<TaskPreset> TaskKind { get; } = new("--tasks") { Description = "The task distribution: Synthetic (standardised synthetic designs, d <= 8, N <= 64; the shipped model's) or Realistic (80% user-like regressions: intercepts, raw, indicator, dummy and count columns, imbalanced and separated labels, outliers, shrinkage priors; d <= 32, N <= 512). See docs/models.md.", DefaultValueFactory = _ => TaskPreset.Synthetic };
    internal Option<int?> DMin { get; } = new("--d-min") { Description = "Smallest training dimension (default: the preset's, 1)." };
    internal Option<int?> DMax { get; } = new("--d-max") { Description = "Largest training dimension (default: the preset's, 8 or 32)." };
    internal Option<int?> NMin { get; } = new("--n-min") { Description = "Fewest likelihood sites (default: the preset's, 1)." };
    internal Option<int?> NMax { get; } = new("--n-max") { Description = "Most likelihood sites (default: the preset's, 64 or 512)." };
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

    internal Option<string?> SuiteReferences { get; } = new("--suite-references") { Description = "At every validation also score the EMA weights on the realistic suite against these references (default: benchmarks/real/references.json when it exists; 'none' to skip)." };
    internal Option<FileInfo?> PlotLoss { get; } = new("--plot-loss") { Description = "After training (or when cancelled), write a PNG of the loss and validation curves of this run's steps." };

    internal IEnumerable<Option> All =>
    [
        Out, Checkpoint, Restart, WarmRestart, Architecture, Coordinates, FeatureVersion, SiteLayers, Family, Width, Hidden, EncoderLayers, MergeBlocks, TaskKind, DMin, DMax, NMin, NMax, Priors, Likelihoods,
        Steps, BatchSize, MicroBatches, LearningRate, ValidationEvery, CheckpointEvery, Seed, Device,
        SuiteReferences, PlotLoss,
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

    internal TaskDistribution Tasks(ParseResult parse)
    {
        var preset = parse.GetValue(TaskKind) == TaskPreset.Realistic ? TaskDistribution.Realistic : TaskDefaults;
        return preset with
        {
            MinDimension = parse.GetValue(DMin) ?? preset.MinDimension, MaxDimension = parse.GetValue(DMax) ?? preset.MaxDimension,
            MinSites = parse.GetValue(NMin) ?? preset.MinSites, MaxSites = parse.GetValue(NMax) ?? preset.MaxSites,
            PriorFamilies = parse.GetValue(Priors) is { Length: > 0 } p ? p : preset.PriorFamilies,
            LikelihoodFamilies = parse.GetValue(Likelihoods) is { Length: > 0 } l ? l : DefaultLikelihoods(parse.GetValue(FeatureVersion)),
        };
    }

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
