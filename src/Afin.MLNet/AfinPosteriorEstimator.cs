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
/// it first fine-tunes on simulated tasks whose families, d and N ranges match the training data (training is simulation-based:
/// the observations' true parameters are never needed). In <see cref="Afin.Inference.InferenceMode.Laplace"/> mode Fit loads no
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

    /// <summary>The task distribution the last Fit fine-tuned on (null when it did not fine-tune).</summary>
    public TaskDistribution? LastFineTuneTasks { get; private set; }

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
            return new AfinPosteriorTransformer(null, ownsModel: false, Options);
        }
        var device = DeviceSelection.Resolve(Options.Device);
        bool owns = Options.Model is null;
        var model = Options.Model ?? (Options.ModelPath is { } path ? AfinModel.Load(path, device) : AfinModel.LoadDefault(device));
        if (Options.FineTuneSteps == 0)
        {
            return new AfinPosteriorTransformer(model, owns, Options);
        }
        using var channel = _environment?.Start("AfinPosterior");
        var tasks = MatchTasks(input, layout, model.Tasks, channel);
        LastFineTuneTasks = tasks;
        var template = Options.FineTuneTemplate ?? new TrainingOptions
        {
            WarmupSteps = Math.Min(100, Options.FineTuneSteps / 10),
            FlowWarmupSteps = 0,
            EmaStartStep = 0,
            ValidationEvery = 0,
            CheckpointEvery = 0,
        };
        var training = template with
        {
            Steps = Options.FineTuneSteps,
            BatchSize = Options.FineTuneBatchSize,
            LearningRate = Options.FineTuneLearningRate,
            Seed = Options.FineTuneSeed,
            Device = Options.Device,
        };
        channel?.Info(MessageSensitivity.None, $"AfinPosterior: fine-tuning {training.Steps} steps on d {tasks.MinDimension}..{tasks.MaxDimension}, " +
            $"N {tasks.MinSites}..{tasks.MaxSites}, priors [{string.Join(", ", tasks.PriorFamilies)}], likelihoods [{string.Join(", ", tasks.LikelihoodFamilies)}]");
        var progress = new ForwardingProgress(Options.Progress, channel);
        AfinModel tuned;
        using (var trainer = AfinTrainer.FineTune(model, tasks, training))
        {
            tuned = trainer.Train(null, progress);
        }
        if (owns)
        {
            model.Dispose();
        }
        return new AfinPosteriorTransformer(tuned, ownsModel: true, Options);
    }

    /// <summary>Reads the problem columns of the training data and derives the matching task distribution.</summary>
    private TaskDistribution MatchTasks(IDataView input, OutputLayout layout, TaskDistribution baseline, IChannel? channel)
    {
        int dMin = int.MaxValue, dMax = 0, nMin = int.MaxValue, nMax = 0, rows = 0, bad = 0, mixed = 0;
        var priors = new HashSet<string>();
        var likelihoods = new HashSet<string>();
        using (var cursor = input.GetRowCursor(ProblemReader.Needed(layout.Bound)))
        {
            var reader = new ProblemReader(cursor, Options, layout.Bound);
            while (cursor.MoveNext())
            {
                BayesianProblem problem;
                try
                {
                    problem = ProblemReader.Build(reader.Read(), Options.Dimension);
                }
                catch (ArgumentException)
                {
                    bad++;
                    continue;
                }
                rows++;
                dMin = Math.Min(dMin, problem.Dimension);
                dMax = Math.Max(dMax, problem.Dimension);
                nMin = Math.Min(nMin, problem.ObservationCount);
                nMax = Math.Max(nMax, problem.ObservationCount);
                priors.Add(problem.Prior.Family);
                foreach (var block in problem.Blocks)
                {
                    likelihoods.Add(block.Family);
                }
                if (problem.Blocks.Count > 1)
                {
                    mixed++;
                }
            }
        }
        if (bad > 0)
        {
            channel?.Warning(MessageSensitivity.None, $"AfinPosterior: {bad} training rows do not describe a valid problem and were ignored");
        }
        if (rows == 0)
        {
            throw new InvalidOperationException("AfinPosterior: fine-tuning needs at least one valid problem row in the training data");
        }
        return baseline with
        {
            MinDimension = dMin,
            MaxDimension = dMax,
            MinSites = nMin,
            MaxSites = Math.Max(nMax, 1),
            PriorFamilies = TaskDistribution.AllPriorFamilies.Where(priors.Contains).ToArray(),
            LikelihoodFamilies = likelihoods.Count == 0 ? baseline.LikelihoodFamilies : TaskDistribution.AllLikelihoodFamilies.Where(likelihoods.Contains).ToArray(),
            HeterogeneousProbability = likelihoods.Count > 1 ? Math.Max(0.1, (double)mixed / rows) : 0,
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
