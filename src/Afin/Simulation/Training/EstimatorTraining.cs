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
        return new EstimatorSets(training, _ => training, validation);
    }

    /// <summary>Fits the scalings, builds the network with the options' seed, trains it and returns the estimator state.</summary>
    internal static (nn.Module Network, EstimatorState State) Run(EstimatorKind kind, IParameterPrior prior, EstimatorSets sets, bool logitParameters,
        SimulationTrainingOptions options, Build build, IProgress<SimulationTrainingProgress>? progress, CancellationToken cancellation)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var parameterScaling = ParameterScaling.Fit(sets.First.Parameters, prior.Dimension, prior, logitParameters);
        var dataScaling = DataScaling.Fit(sets.First);
        random.manual_seed(options.Seed);
        var (network, loss, configuration) = build(parameterScaling, dataScaling);
        var trainer = new SimulationTrainer(network, loss, options, configuration);
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
            summary = summary with { TrainingSimulations = sets.First.Count, WallSeconds = clock.Elapsed.TotalSeconds };
            var state = new EstimatorState(kind, prior.Dimension, sets.First.Shape, prior, parameterScaling, dataScaling, summary);
            return (network, state);
        }
        finally
        {
            cached?.Dispose();
        }
    }

    private static TrainingTensors Tensors(SimulationSet set, ParameterScaling parameters, DataScaling data) =>
        new(parameters.ToNetwork(set.Parameters), data.ToNetwork(set.Data));

    private static int Derive(int seed, int stream) => SimulationSeeds.Stream(seed, stream).Next();
}

/// <summary>The training set of each epoch and the fixed validation set.</summary>
internal sealed record EstimatorSets(SimulationSet First, Func<int, SimulationSet> ForEpoch, SimulationSet Validation);
