using Afin.Platform;
using Afin.MLNet.Mapping;
using Afin.MLNet.Persistence;
using Afin.Modelling;
using Afin.Persistence;
using Afin.Training;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace Afin.MLNet;

/// <summary>
/// Estimator of <see cref="AfinPosteriorTransformer"/>. Fit starts from <see cref="AfinPosteriorOptions.Model"/>,
/// <see cref="AfinPosteriorOptions.ModelPath"/> or the default model; with <see cref="AfinPosteriorOptions.FineTuneSteps"/> &gt; 0
/// it first fine-tunes on tasks made from the training data's own problems: their designs, per-site arguments and priors,
/// with new observations simulated at true latents drawn from each row's prior (training is simulation-based: no true
/// parameter is needed). It measures the network on held-out tasks from the same designs before and after
/// (<see cref="LastFineTuneReport"/>, the progress callback and the MLContext log). In <see cref="Afin.Inference.InferenceMode.Laplace"/> mode Fit loads no
/// model: the transformer computes each row's Laplace approximation from the row alone.
/// </summary>
public sealed class AfinPosteriorEstimator : IEstimator<AfinPosteriorTransformer>
{
    private readonly IHostEnvironment? _environment;

    internal AfinPosteriorEstimator(IHostEnvironment? environment, AfinPosteriorOptions options)
    {
        _environment = environment;
        Options = options;
    }

    /// <summary>The options.</summary>
    public AfinPosteriorOptions Options { get; }

    /// <summary>
    /// The task distribution that describes the problems the last Fit fine-tuned on (their d, N and families: the tuned
    /// model's training range), or null when it did not fine-tune.
    /// </summary>
    public TaskDistribution? LastFineTuneTasks { get; private set; }

    /// <summary>What the last Fit's fine-tuning did and measured, or null when it did not fine-tune.</summary>
    public AfinFineTuneReport? LastFineTuneReport { get; private set; }

    /// <summary>Checks the input columns (names and types) and returns the output shape.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A required input column is missing or an input column has a wrong type; the message names it.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        InputColumns.Check(Options, inputSchema);
        var columns = inputSchema.ToDictionary(c => c.Name);
        foreach (var (name, type, _) in OutputLayout.Columns(Options))
        {
            columns[name] = MLNetInternalAccess.ShapeColumn(name, type);
        }
        return new SchemaShape(columns.Values);
    }

    /// <summary>Binds (and optionally fine-tunes) the model; see the class remarks.</summary>
    public AfinPosteriorTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var layout = OutputLayout.Create(input.Schema, Options);
        if (Options.Mode == Afin.Inference.InferenceMode.Laplace)
        {
            return new AfinPosteriorTransformer(null, Options);
        }
        var model = Options.Model ?? (Options.ModelPath is { } path ? AfinModel.Load(path) : AfinModel.LoadDefault());
        if (Options.FineTuneSteps == 0)
        {
            return new AfinPosteriorTransformer(model, Options);
        }
        using var channel = _environment?.Start("AfinPosterior");
        var problems = ReadProblems(input, layout, channel);
        var tasks = MatchTasks(problems, model.Tasks);
        LastFineTuneTasks = tasks;
        return new AfinPosteriorTransformer(FineTune(model, problems, tasks, channel), Options);
    }

    /// <summary>
    /// Fine-tunes on tasks made from the training data's own problems (<see cref="DesignTaskSource"/>), measuring the
    /// network on held-out tasks from the same designs before and after.
    /// </summary>
    private AfinModel FineTune(AfinModel model, IReadOnlyList<BayesianProblem> problems, TaskDistribution range, IChannel? channel)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var source = new DesignTaskSource(problems, Options.FineTuneSiteResampleProbability, Options.FineTuneRegionScale, Options.FineTuneDataLike);
        var training = TrainingOptions();
        var heldOut = HeldOutTasks(source);
        channel?.Info(MessageSensitivity.None, $"AfinPosterior: fine-tuning {training.Steps} steps on the designs of {problems.Count} problems: d {range.MinDimension}..{range.MaxDimension}, " +
            $"N {range.MinSites}..{range.MaxSites}, priors [{string.Join(", ", range.PriorFamilies)}], likelihoods [{string.Join(", ", range.LikelihoodFamilies)}]");
        HeldOutScores? before;
        AfinModel tuned;
        // The trainer first: it refuses families the network has no adapter for, with the message that names the option.
        using (var trainer = StartFineTuning(model, source, range, training))
        {
            before = Measure(model, heldOut, 0, training.Steps, "before", channel);
            tuned = trainer.Train(null, new ForwardingProgress(Options.Progress, channel));
        }
        var after = Measure(tuned, heldOut, training.Steps, training.Steps, "after", channel);
        LastFineTuneReport = new AfinFineTuneReport(problems.Count, training.Steps, clock.Elapsed.TotalSeconds, before, after);
        return tuned;
    }

    /// <summary>The fine-tuning run; where TorchSharp cannot load, an error that names the option that asked for it.</summary>
    private AfinTrainer StartFineTuning(AfinModel model, ITrainingTaskSource source, TaskDistribution range, TrainingOptions training)
    {
        try
        {
            return AfinTrainer.FineTune(model, source, range, training);
        }
        catch (TorchSharpNativeLibraryException e)
        {
            throw new InvalidOperationException($"AfinPosterior: {nameof(AfinPosteriorOptions.FineTuneSteps)} = {Options.FineTuneSteps} asks for fine-tuning, " +
                $"which trains the network with TorchSharp, and TorchSharp cannot run here: {e.Message}", e);
        }
    }

    private TrainingOptions TrainingOptions()
    {
        var template = Options.FineTuneTemplate ?? new TrainingOptions
        {
            WarmupSteps = Math.Min(100, Options.FineTuneSteps / 10),
            FlowWarmupSteps = 0,
            EmaStartStep = 0,
            ValidationEvery = 0,
            CheckpointEvery = 0,
        };
        return template with
        {
            Steps = Options.FineTuneSteps,
            BatchSize = Options.FineTuneBatchSize,
            LearningRate = Options.FineTuneLearningRate,
            Seed = Options.FineTuneSeed,
            Device = Options.Device,
        };
    }

    /// <summary>One task per seed, each from a template drawn by frequency; the seeds are disjoint from training's in practice (a separate stream).</summary>
    private List<SimulatedTask> HeldOutTasks(DesignTaskSource source)
    {
        var seeds = new Random(unchecked(Options.FineTuneSeed * 31 + 0x5EED));
        return Enumerable.Range(0, Options.FineTuneHeldOutTasks).Select(_ => source.SampleBatch(1, seeds.Next())[0]).ToList();
    }

    /// <summary>Scores the model on the held-out tasks and reports the scores to the user's callback and the log; null when there are none.</summary>
    private HeldOutScores? Measure(AfinModel model, List<SimulatedTask> heldOut, int step, int steps, string when, IChannel? channel)
    {
        if (heldOut.Count == 0)
        {
            return null;
        }
        var scores = HeldOutScores.Measure(model, heldOut);
        channel?.Info(MessageSensitivity.None, $"AfinPosterior: {when} fine-tuning, on {scores.Tasks} held-out tasks: -log q(z0)/d {scores.NegativeLogDensityPerDimension:F4} " +
            $"(Laplace {scores.LaplaceNegativeLogDensityPerDimension:F4}), 90% coverage {scores.Coverage90:P1}");
        Options.Progress?.Report(new TrainingProgress(step, steps, double.NaN, 0, 0, null) { HeldOut = scores });
        return scores;
    }

    /// <summary>Reads the training data's valid problems (rows that do not describe one are counted and logged).</summary>
    private List<BayesianProblem> ReadProblems(IDataView input, OutputLayout layout, IChannel? channel)
    {
        var problems = new List<BayesianProblem>();
        int bad = 0;
        using (var cursor = input.GetRowCursor(ProblemReader.Needed(layout.Bound)))
        {
            var reader = new ProblemReader(cursor, Options, layout.Bound);
            while (cursor.MoveNext())
            {
                try
                {
                    problems.Add(ProblemReader.Build(reader.Read(), Options.Dimension));
                }
                catch (ArgumentException)
                {
                    bad++;
                }
            }
        }
        if (bad > 0)
        {
            channel?.Warning(MessageSensitivity.None, $"AfinPosterior: {bad} training rows do not describe a valid problem and were ignored");
        }
        if (problems.Count == 0)
        {
            throw new InvalidOperationException("AfinPosterior: fine-tuning needs at least one valid problem row in the training data");
        }
        return problems;
    }

    /// <summary>The task distribution that describes the problems: the fine-tuned model's training range.</summary>
    private static TaskDistribution MatchTasks(IReadOnlyList<BayesianProblem> problems, TaskDistribution baseline)
    {
        var likelihoods = problems.SelectMany(p => p.Blocks.Select(b => b.Family)).ToHashSet();
        int mixed = problems.Count(p => p.Blocks.Count > 1);
        return baseline with
        {
            MinDimension = problems.Min(p => p.Dimension),
            MaxDimension = problems.Max(p => p.Dimension),
            MinSites = problems.Min(p => p.ObservationCount),
            MaxSites = Math.Max(problems.Max(p => p.ObservationCount), 1),
            PriorFamilies = TaskDistribution.AllPriorFamilies.Where(problems.Select(p => p.Prior.Family).ToHashSet().Contains).ToArray(),
            LikelihoodFamilies = likelihoods.Count == 0 ? baseline.LikelihoodFamilies : TaskDistribution.AllLikelihoodFamilies.Where(likelihoods.Contains).ToArray(),
            HeterogeneousProbability = likelihoods.Count > 1 ? Math.Max(0.1, (double)mixed / problems.Count) : 0,
        };
    }

    /// <summary>Reports synchronously to the user's callback and to the MLContext log.</summary>
    private sealed class ForwardingProgress(IProgress<TrainingProgress>? user, IChannel? channel) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            user?.Report(value);
            channel?.Info(MessageSensitivity.None, $"AfinPosterior: fine-tuning step {value.Step}/{value.TotalSteps}, loss {value.Loss:G4}, {value.StepsPerSecond:G3} steps/s");
        }
    }
}
