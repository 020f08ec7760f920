using Afin.Canonical;
using System.Diagnostics;
using System.Text.Json;
using Afin.Network;
using Afin.Persistence;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Afin.Training;

/// <summary>
/// Trains an AFIN by simulation: every step draws tasks from the <see cref="TaskDistribution"/>,
/// simulates data from a true z0 and minimises the forward KL, -log q(z0 | task) / d. AdamW with
/// warm-up and cosine decay, gradient clipping, an EMA of the weights (the weights that are saved),
/// a flow-strength ramp, periodic validation on held-out conjugate problems, checkpoints that resume
/// exactly, and cancellation.
/// </summary>
/// <remarks>Tasks of step s are drawn from a sampler seeded by (seed, s), so a resumed run draws exactly the tasks the uninterrupted run would have.</remarks>
public sealed class AfinTrainer : IDisposable
{
    private readonly AfinNetwork _network;
    private readonly AfinNetwork _ema;
    private readonly OptimizerHelper _optimizer;
    private readonly Parameter[] _parameters;
    private readonly Parameter[] _emaParameters;
    private readonly Device _device;
    private readonly ValidationSuite? _validation;
    private readonly ITrainingTaskSource _source;
    private double _wallSeconds;
    private int _consecutiveSkips;

    /// <summary>Starts a new run: weights initialised from the seed.</summary>
    public AfinTrainer(AfinNetworkOptions network, TaskDistribution tasks, TrainingOptions options)
        : this(network, tasks, null, options)
    {
    }

    /// <param name="network">The architecture.</param>
    /// <param name="tasks">The task distribution: where tasks come from unless <paramref name="source"/> is given, else their description (the model's training range).</param>
    /// <param name="source">Where tasks come from instead of <paramref name="tasks"/>, or null.</param>
    /// <param name="options">The training options.</param>
    private AfinTrainer(AfinNetworkOptions network, TaskDistribution tasks, ITrainingTaskSource? source, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(options);
        // Before the first tensor call (the seed below), so an app without libtorch gets one clear message.
        TorchRuntime.EnsureNativeLoaded();
        network.Validate();
        tasks.Validate();
        options.Validate();
        CheckAdapters(network, tasks);
        NetworkOptions = network;
        Tasks = tasks;
        Options = options;
        _source = source ?? new DistributionSource(tasks);
        _device = DeviceSelection.Resolve(options.Device);
        torch.random.manual_seed(options.Seed);
        _network = new AfinNetwork(network, _device);
        _ema = new AfinNetwork(network, _device);
        _ema.eval();
        _parameters = _network.parameters().ToArray();
        _emaParameters = _ema.parameters().ToArray();
        CopyToEma(1.0);
        _optimizer = optim.AdamW(_network.TrainableParameters(), options.LearningRate, weight_decay: options.WeightDecay);
        _validation = ValidationSuite.Create(tasks, options.ValidationProblems);
    }

    /// <summary>
    /// Refuses a task family the network has no adapter for before any step runs: otherwise the first task of that family
    /// would stop training with a <see cref="NotSupportedException"/> at some later step.
    /// </summary>
    private static void CheckAdapters(AfinNetworkOptions network, TaskDistribution tasks)
    {
        var supported = AfinNetworkOptions.LikelihoodFamiliesOf(network.FeatureVersion);
        foreach (var family in tasks.LikelihoodFamilies.Where(f => !supported.Contains(f)))
        {
            throw new ArgumentException($"{nameof(TaskDistribution.LikelihoodFamilies)}: networks of feature version {network.FeatureVersion} have no adapter for " +
                $"'{family}' (they take {string.Join(", ", supported)}); train with {nameof(AfinNetworkOptions.FeatureVersion)} {AfinNetworkOptions.LatestFeatureVersion} or leave the family out", nameof(tasks));
        }
    }

    /// <summary>The architecture being trained.</summary>
    public AfinNetworkOptions NetworkOptions { get; }

    /// <summary>The distribution of simulated training tasks.</summary>
    public TaskDistribution Tasks { get; }

    /// <summary>The training options.</summary>
    public TrainingOptions Options { get; }

    /// <summary>Optimiser steps completed.</summary>
    public int Step { get; private set; }

    /// <summary>Steps skipped because their numerics failed.</summary>
    public int SkippedSteps { get; private set; }

    /// <summary>Training stops when this many steps in a row fail.</summary>
    public const int MaxConsecutiveSkips = 12;

    /// <summary>The most recent validation scores, or null.</summary>
    public ValidationScores? LastValidation { get; private set; }

    /// <summary>
    /// Problems with trusted posteriors (e.g. the realistic suite's, against long NUTS runs) on which the EMA weights are
    /// scored at every validation step, beside the conjugate suite; null for none. Not saved in checkpoints: give them
    /// again when resuming.
    /// </summary>
    public IReadOnlyList<ReferenceProblem>? ReferenceProblems { get; set; }

    /// <summary>Every score on <see cref="ReferenceProblems"/> so far, across resumed runs (kept in checkpoints): the learning curve.</summary>
    public IReadOnlyList<ValidationScores> ReferenceHistory => _referenceHistory;

    private List<ValidationScores> _referenceHistory = [];

    /// <summary>
    /// Trains until <see cref="TrainingOptions.Steps"/>, validating and checkpointing on the
    /// configured cadence. On cancellation a checkpoint is written (when a path is given) before
    /// <see cref="OperationCanceledException"/> is thrown, so the run can be resumed.
    /// </summary>
    /// <param name="checkpointPath">Where to write checkpoints; null for none.</param>
    /// <param name="progress">Receives progress reports (loss, steps/s, learning rate, validation).</param>
    /// <param name="cancellationToken">Stops training after the current step.</param>
    /// <returns>The trained model with the EMA weights.</returns>
    /// <exception cref="NotSupportedException">A checkpoint path is given for a run whose tasks come from an <see cref="ITrainingTaskSource"/>.</exception>
    public AfinModel Train(string? checkpointPath = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (checkpointPath is not null)
        {
            EnsureCheckpointable();
        }
        var clock = Stopwatch.StartNew();
        double wallAtStart = _wallSeconds;
        var window = Stopwatch.StartNew();
        double lossSum = 0;
        int lossCount = 0;
        int stepsInWindow = 0;
        int reportEvery = Math.Max(1, Math.Min(25, Options.Steps / 100));
        while (Step < Options.Steps)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                _wallSeconds = wallAtStart + clock.Elapsed.TotalSeconds;
                if (checkpointPath is not null)
                {
                    SaveCheckpoint(checkpointPath);
                }
                cancellationToken.ThrowIfCancellationRequested();
            }
            if (TryTrainStep(out double loss))
            {
                lossSum += loss;
                lossCount++;
            }
            Step++;
            stepsInWindow++;
            bool validate = _validation is not null && (Step == Options.Steps || (Options.ValidationEvery > 0 && Step % Options.ValidationEvery == 0));
            ValidationScores? reference = null;
            if (validate)
            {
                LastValidation = _validation!.Score(_ema, Step);
                if (ReferenceProblems is { Count: > 0 } problems)
                {
                    reference = ReferenceValidation.Score(_ema, problems, Step);
                    _referenceHistory.Add(reference);
                }
            }
            _wallSeconds = wallAtStart + clock.Elapsed.TotalSeconds;
            if (checkpointPath is not null && (Step == Options.Steps || (Options.CheckpointEvery > 0 && Step % Options.CheckpointEvery == 0)))
            {
                SaveCheckpoint(checkpointPath);
            }
            if (validate || Step % reportEvery == 0 || Step == Options.Steps)
            {
                progress?.Report(new TrainingProgress(Step, Options.Steps, lossCount > 0 ? lossSum / lossCount : double.NaN, stepsInWindow / window.Elapsed.TotalSeconds,
                    Options.LearningRateAt(Step), validate ? LastValidation : null, SkippedSteps, reference) { DiscardedTasks = DiscardedTasks });
                lossSum = 0;
                lossCount = 0;
                stepsInWindow = 0;
                window.Restart();
            }
        }
        return ToModel();
    }

    /// <summary>Scores the EMA weights on the validation suite now (null when the task distribution has no conjugate families).</summary>
    public ValidationScores? Validate() => _validation?.Score(_ema, Step);

    /// <summary>A model holding a copy of the current EMA weights.</summary>
    public AfinModel ToModel()
    {
        return _ema.ToModel(Tasks, new TrainingSummary
        {
            Steps = Step, WallSeconds = Math.Round(_wallSeconds, 1), Seed = Options.Seed, Options = Options, Validation = LastValidation,
        });
    }

    /// <summary>Writes everything needed to resume exactly: options, step, weights, EMA weights and optimiser state.</summary>
    /// <exception cref="NotSupportedException">The run's tasks come from an <see cref="ITrainingTaskSource"/>, which a checkpoint cannot hold.</exception>
    public void SaveCheckpoint(string path)
    {
        EnsureCheckpointable();
        var header = new CheckpointHeader(NetworkOptions, Tasks, Options, Step, _wallSeconds, LastValidation, _referenceHistory);
        using var optimizerState = new MemoryStream();
        using (var writer = new BinaryWriter(optimizerState, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            _optimizer.save_state_dict(writer);
        }
        AtomicFile.Write(path, file => AfinFileFormat.Write(file, AfinFileKind.Checkpoint, JsonSerializer.Serialize(header, AfinModel.HeaderJson),
            [("weights", ModuleWeights.Save(_network)), ("ema", ModuleWeights.Save(_ema)), ("optimizer", optimizerState.ToArray())]));
    }

    /// <summary>
    /// Starts a run from a trained model's weights (fine-tuning), e.g. on a task distribution matched
    /// to the user's own problems. The optimiser and EMA start afresh from those weights.
    /// </summary>
    public static AfinTrainer FineTune(AfinModel model, TaskDistribution tasks, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        var trainer = new AfinTrainer(model.Options, tasks, options);
        trainer.StartFrom(model);
        return trainer;
    }

    private void StartFrom(AfinModel model)
    {
        ModuleWeights.Load(_network, model.Weights, "fine-tuning start");
        ModuleWeights.Load(_ema, model.Weights, "fine-tuning start");
    }

    /// <summary>A checkpoint resumes by drawing from its <see cref="TaskDistribution"/>, so a run on another source would resume on other tasks.</summary>
    private void EnsureCheckpointable()
    {
        if (_source is not DistributionSource)
        {
            throw new NotSupportedException("a run whose tasks come from an ITrainingTaskSource cannot be checkpointed: a checkpoint resumes from its task distribution");
        }
    }

    /// <summary>
    /// Starts a run from a trained model's weights whose tasks come from <paramref name="source"/>, e.g. a
    /// <see cref="DesignTaskSource"/> of the user's own problems; <paramref name="range"/> describes those tasks (the
    /// model's <see cref="AfinModel.Tasks"/>, which its training-range check reads, and the conjugate validation suite).
    /// Such a run cannot be checkpointed.
    /// </summary>
    public static AfinTrainer FineTune(AfinModel model, ITrainingTaskSource source, TaskDistribution range, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(source);
        var trainer = new AfinTrainer(model.Options, range, source, options);
        trainer.StartFrom(model);
        return trainer;
    }

    /// <summary>
    /// Continues a run from its checkpoint; <paramref name="steps"/> may extend the planned number of steps,
    /// <paramref name="restartLearningRate"/> starts a new learning-rate cycle at the checkpoint's step (a warm restart,
    /// as in SGDR: warm-up to that peak, then cosine decay to <paramref name="steps"/>) instead of continuing the old one,
    /// and <paramref name="tasks"/> replaces the task distribution from the checkpoint's step on.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a valid checkpoint; the message says why.</exception>
    /// <exception cref="ArgumentException">
    /// The restart asks for no steps beyond the checkpoint's or a peak that is not positive, or the new tasks are invalid
    /// or have likelihood families the network has no adapter for.
    /// </exception>
    public static AfinTrainer Resume(string path, int? steps = null, double? restartLearningRate = null, TaskDistribution? tasks = null)
    {
        var content = AfinFileFormat.Read(File.ReadAllBytes(path), AfinFileKind.Checkpoint, path);
        var header = JsonSerializer.Deserialize<CheckpointHeader>(content.HeaderJson, AfinModel.HeaderJson)
            ?? throw new InvalidDataException($"{path}: corrupt: empty header");
        var options = steps is null ? header.Options : header.Options with { Steps = steps.Value };
        if (restartLearningRate is { } peak)
        {
            options = options with { CycleStart = header.Step, LearningRate = peak };
        }
        var trainer = new AfinTrainer(header.Network, tasks ?? header.Tasks, options);
        ModuleWeights.Load(trainer._network, content.Section("weights", path), path);
        ModuleWeights.Load(trainer._ema, content.Section("ema", path), path);
        using (var reader = new BinaryReader(new MemoryStream(content.Section("optimizer", path))))
        {
            trainer._optimizer.load_state_dict(reader);
        }
        trainer.Step = header.Step;
        trainer._wallSeconds = header.WallSeconds;
        trainer.LastValidation = header.Validation;
        trainer._referenceHistory = header.ReferenceHistory?.ToList() ?? [];
        return trainer;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _optimizer.Dispose();
        _network.Dispose();
        _ema.Dispose();
    }

    /// <summary>
    /// One step; a step whose numerics fail (a non-finite loss, a Cholesky that fails even with
    /// jitter) is skipped without touching the weights, as in the reference, and training stops
    /// only when <see cref="MaxConsecutiveSkips"/> steps in a row fail.
    /// </summary>
    private bool TryTrainStep(out double loss)
    {
        try
        {
            // The tasks are drawn and framed before the quiet zone: that is managed work that allocates freely (a Laplace
            // fit per task, and per redraw with data-like fine-tuning), and inside a no-GC region its garbage was never
            // collected (a 1000-step Fit grew to 20 GB). Only the TorchSharp calls need the zone.
            var batches = Enumerable.Range(0, Options.MicroBatches).Select(m => NetworkTasks(_source.SampleBatch(Options.BatchSize, TaskSeed(Step, m)))).ToArray();
            loss = GcQuietZone.Run(() => TrainStep(batches));
            _consecutiveSkips = 0;
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or System.Runtime.InteropServices.ExternalException or SkippedStepException)
        {
            SkippedSteps++;
            if (++_consecutiveSkips >= MaxConsecutiveSkips)
            {
                throw new InvalidOperationException($"training stopped: {MaxConsecutiveSkips} consecutive steps failed; last: {e.Message}", e);
            }
            loss = double.NaN;
            return false;
        }
    }

    private double TrainStep(IReadOnlyList<SimulatedTask>[] batches)
    {
        using var scope = NewDisposeScope();
        _network.train();
        _network.FlowStrength = Options.FlowWarmupSteps == 0 ? 1 : Math.Min(1.0, (Step + 1.0) / Options.FlowWarmupSteps);
        // Gradients set to none, not zero: a family absent from this step's tasks then gets no
        // update at all, the same whether or not the run was resumed (a zeroed gradient would
        // still move it through Adam's momentum, but only in the uninterrupted run).
        _network.zero_grad(set_to_none: true);
        double lossTotal = 0;
        foreach (var tasks in batches)
        {
            using var batch = FactorBatch.Create(tasks.Select(t => t.Problem).ToArray(), _device, _network.Options.Architecture, _network.Options.FeatureVersion);
            int d = batch.Dimension;
            var z = tensor(tasks.SelectMany(t => t.TrueLatent).ToArray(), [tasks.Count, d], float64, _device);
            var loss = _network.LogProb(batch, z).mean().div(TorchScalars.Of(-d));
            double value = loss.ToDouble();
            if (!double.IsFinite(value))
            {
                throw new SkippedStepException($"non-finite loss {value}");
            }
            loss.div(TorchScalars.Of(Options.MicroBatches)).backward();
            lossTotal += value;
        }
        nn.utils.clip_grad_norm_(_parameters, Options.GradientClipNorm);
        foreach (var group in _optimizer.ParamGroups)
        {
            group.LearningRate = Options.LearningRateAt(Step);
        }
        _optimizer.step();
        CopyToEma(Step < Options.EmaStartStep ? 1.0 : 1 - Options.EmaDecay);
        return lossTotal / Options.MicroBatches;
    }

    /// <summary>
    /// The tasks as the network sees them: as simulated, or, in Laplace coordinates, each problem's canonical twin with the
    /// true latent mapped to u = L⁻¹(z0 - m). The map's Jacobian does not depend on the network, so the loss
    /// -log q_u(u0) differs from -log q_z(z0) by a constant and the gradients are those of the forward KL in z.
    /// </summary>
    private IReadOnlyList<SimulatedTask> NetworkTasks(IReadOnlyList<SimulatedTask> tasks)
    {
        var coordinates = _network.Options.Coordinates;
        if (coordinates == LatentCoordinates.Original)
        {
            return tasks;
        }
        var mapped = new SimulatedTask?[tasks.Count];
        try
        {
            MapTasks(tasks, mapped, coordinates);
        }
        catch (AggregateException e)
        {
            // A task whose Laplace frame cannot be built skips the step, like a step whose numerics fail.
            throw new SkippedStepException($"a task's Laplace frame failed: {e.InnerExceptions[0].Message}");
        }
        var kept = mapped.OfType<SimulatedTask>().ToArray();
        DiscardedTasks += tasks.Count - kept.Length;
        return kept.Length > 0 ? kept : throw new SkippedStepException("every task's Laplace frame was broken");
    }

    /// <summary>
    /// A task whose true latent lies farther than this many Laplace sds from the Laplace mode in some direction is
    /// discarded (<see cref="DiscardedTasks"/>): its frame is broken (a mode search that did not converge, a precision
    /// floored in a direction the data do not inform), and its loss, of order |u0|², would dominate the step's gradient
    /// (losses of 1e9 were seen) while teaching the network nothing it could answer. Sound frames keep |u0| below 20 even
    /// under heavy-tailed priors.
    /// </summary>
    public const double MaxCanonicalDistance = 100;

    /// <summary>Tasks left out of their step because their Laplace frame was broken (see <see cref="MaxCanonicalDistance"/>); counted since this run started or resumed.</summary>
    public int DiscardedTasks { get; private set; }

    private static void MapTasks(IReadOnlyList<SimulatedTask> tasks, SimulatedTask?[] mapped, LatentCoordinates coordinates)
    {
        Parallel.For(0, tasks.Count, i =>
        {
            var frame = CanonicalFrame.Create(tasks[i].Problem, coordinates);
            var z0 = new double[1, tasks[i].TrueLatent.Length];
            for (int j = 0; j < z0.Length; j++)
            {
                z0[0, j] = tasks[i].TrueLatent[j];
            }
            var u0 = frame.Map.ToCanonical(z0);
            var u = Enumerable.Range(0, z0.Length).Select(j => u0[0, j]).ToArray();
            mapped[i] = u.All(v => Math.Abs(v) <= MaxCanonicalDistance) ? tasks[i] with { Problem = frame.Problem, TrueLatent = u } : null;
        });
    }

    /// <summary>ema = (1 - weight) * ema + weight * current; weight 1 copies.</summary>
    private void CopyToEma(double weight)
    {
        using var noGrad = no_grad();
        for (int i = 0; i < _parameters.Length; i++)
        {
            _emaParameters[i].mul_(TorchScalars.Of(1 - weight)).add_(_parameters[i], alpha: TorchScalars.Of(weight));
        }
    }

    private int TaskSeed(int step, int microBatch) => unchecked((Options.Seed * 1_000_003) + (step * 131) + microBatch + 17);

    /// <summary>The tasks of a <see cref="TaskDistribution"/>, drawn by a <see cref="TaskSampler"/> seeded per micro-batch.</summary>
    private sealed class DistributionSource(TaskDistribution tasks) : ITrainingTaskSource
    {
        public IReadOnlyList<SimulatedTask> SampleBatch(int count, int seed) => new TaskSampler(tasks, seed).SampleBatch(count);
    }

    private sealed class SkippedStepException(string message) : Exception(message);

    private sealed record CheckpointHeader(AfinNetworkOptions Network, TaskDistribution Tasks, TrainingOptions Options, int Step, double WallSeconds, ValidationScores? Validation,
        IReadOnlyList<ValidationScores>? ReferenceHistory = null);
}
