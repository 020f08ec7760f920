using Afin.Simulation.Estimators;
using static TorchSharp.torch;

namespace Afin.Simulation.Training;

/// <summary>
/// The steps every estimator's training shares: simulate (or take) the training and validation sets, fit the
/// parameter and data scalings on the training set, seed and build the network, and run <see cref="SimulationTrainer"/>.
/// </summary>
internal static class EstimatorTraining
{
    /// <summary>What an estimator contributes: its network, its loss, and its configuration as JSON.</summary>
    internal delegate (nn.Module Network, SimulationTrainer.BatchLoss Loss, string Configuration) Build(ParameterScaling parameters, DataScaling data);

    /// <summary>Checks the training and method options (filling in the training defaults) before any simulation runs.</summary>
    internal static SimulationTrainingOptions Check(SimulationTrainingOptions? training, Action validateMethod, SummaryNetworkOptions summary, DataShape shape)
    {
        training ??= new SimulationTrainingOptions();
        training.Validate();
        validateMethod();
        summary.Validate(shape);
        return training;
    }

    /// <summary>Sets simulated from the prior and simulator with seeds derived from the training seed.</summary>
    internal static EstimatorSets Simulate(IParameterPrior prior, ISimulator simulator, SimulationTrainingOptions options, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(prior);
        ArgumentNullException.ThrowIfNull(simulator);
        var validation = SimulationSet.Simulate(prior, simulator, options.ValidationSimulations, Derive(options.Seed, -1), cancellation);
        var first = SimulationSet.Simulate(prior, simulator, options.TrainingSimulations, Derive(options.Seed, 0), cancellation);
        Func<int, SimulationSet> epochSet = options.SimulateEachEpoch
            ? epoch => epoch == 0 ? first : SimulationSet.Simulate(prior, simulator, options.TrainingSimulations, Derive(options.Seed, epoch), cancellation)
            : _ => first;
        return new EstimatorSets(first, epochSet, validation);
    }

    /// <summary>Stored sets, checked against each other and the prior.</summary>
    internal static EstimatorSets Stored(IParameterPrior prior, SimulationSet training, SimulationSet validation)
    {
        ArgumentNullException.ThrowIfNull(prior);
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(validation);
        if (training.ParameterCount != prior.Dimension || validation.ParameterCount != prior.Dimension)
        {
            throw new ArgumentException($"the sets have {training.ParameterCount} and {validation.ParameterCount} parameters; the prior has {prior.Dimension}");
        }
        if (training.Shape != validation.Shape)
        {
            throw new ArgumentException($"the training set holds {training.Shape} data but the validation set {validation.Shape}");
        }
        CheckSupport(prior, training, "training set");
        CheckSupport(prior, validation, "validation set");
        return new EstimatorSets(training, _ => training, validation);
    }

    /// <summary>Serialises network construction: torch's seeded generator is process-wide, so two trainings building
    /// networks at once would interleave their draws and one seed would no longer give one set of initial weights.</summary>
    private static readonly object BuildLock = new();

    /// <summary>Refuses stored parameters the prior gives zero density (a set simulated under another prior).</summary>
    private static void CheckSupport(IParameterPrior prior, SimulationSet set, string name)
    {
        for (int i = 0; i < set.Count; i++)
        {
            if (!double.IsFinite(prior.LogDensity(set.ParametersOf(i))))
            {
                throw new ArgumentException($"{name}: simulation {i} has parameters [{string.Join(", ", set.ParametersOf(i).ToArray())}] outside the prior's support; was it simulated under another prior?");
            }
        }
    }

    /// <summary>Fits the scalings, builds the network with the options' seed, trains it and returns the estimator state.</summary>
    internal static (nn.Module Network, EstimatorState State) Run(EstimatorKind kind, IParameterPrior prior, EstimatorSets sets, bool logitParameters,
        SimulationTrainingOptions options, Build build, IProgress<SimulationTrainingProgress>? progress, CancellationToken cancellation)
    {
        var parameterScaling = ParameterScaling.Fit(sets.First.Parameters, prior.Dimension, prior, logitParameters);
        var dataScaling = DataScaling.Fit(sets.First);
        nn.Module network;
        SimulationTrainer.BatchLoss loss;
        string configuration;
        lock (BuildLock)
        {
            random.manual_seed(options.Seed);
            (network, loss, configuration) = build(parameterScaling, dataScaling);
        }
        var trainer = new SimulationTrainer(network, loss, options, configuration + Fingerprint(sets, options));
        using var validation = Tensors(sets.Validation, parameterScaling, dataScaling);
        TrainingTensors? cached = null;
        try
        {
            var summary = trainer.Train(epoch =>
            {
                var set = sets.ForEpoch(epoch);
                if (cached is null || !ReferenceEquals(set, sets.First))
                {
                    cached?.Dispose();
                    cached = Tensors(set, parameterScaling, dataScaling);
                }
                return cached;
            }, validation, progress, cancellation);
            summary = summary with { TrainingSimulations = sets.First.Count };
            var state = new EstimatorState(kind, prior.Dimension, sets.First.Shape, prior, parameterScaling, dataScaling, summary);
            return (network, state);
        }
        finally
        {
            cached?.Dispose();
        }
    }

    /// <summary>
    /// What a checkpoint must agree on besides the estimator options: the training data (count and a checksum of the
    /// first set's parameters and data) and the optimisation settings, so a changed set or learning rate is never
    /// silently continued from an old run.
    /// </summary>
    private static string Fingerprint(EstimatorSets sets, SimulationTrainingOptions options)
    {
        double checksum = 0;
        foreach (double theta in sets.First.Parameters)
        {
            checksum = checksum * 1.000001 + theta;
        }
        foreach (float value in sets.First.Data)
        {
            checksum = checksum * 1.000001 + value;
        }
        return System.FormattableString.Invariant(
            $"|set {sets.First.Count}x{sets.First.Shape.Size} {checksum:R} val {sets.Validation.Count}|batch {options.BatchSize} lr {options.LearningRate:R} fresh {options.SimulateEachEpoch}");
    }

    private static TrainingTensors Tensors(SimulationSet set, ParameterScaling parameters, DataScaling data) =>
        new(parameters.ToNetwork(set.Parameters), data.ToNetwork(set.Data));

    private static int Derive(int seed, int stream) => SimulationSeeds.Stream(seed, stream).Next();
}

/// <summary>The training set of each epoch and the fixed validation set.</summary>
internal sealed record EstimatorSets(SimulationSet First, Func<int, SimulationSet> ForEpoch, SimulationSet Validation);
