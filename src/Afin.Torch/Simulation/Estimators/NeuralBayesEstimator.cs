using System.Text.Json;
using Afin.Persistence;
using Afin.Simulation.Modules;
using Afin.Simulation.Training;
using static TorchSharp.torch;

namespace Afin.Simulation.Estimators;

/// <summary>
/// A neural Bayes estimator: a network trained to minimise the Bayes risk of its outputs over simulations from the
/// prior, so it returns, in one pass, the posterior mean (squared loss) and posterior quantiles (pinball loss), from
/// which credible intervals come directly.
/// </summary>
public sealed class NeuralBayesEstimator : SimulationEstimator
{
    private readonly BayesEstimatorNetwork _network;

    private NeuralBayesEstimator(EstimatorState state, NeuralBayesEstimatorOptions options, BayesEstimatorNetwork network) : base(state)
    {
        Options = options;
        _network = network;
    }

    /// <summary>The method options it was trained with.</summary>
    public NeuralBayesEstimatorOptions Options { get; }

    private protected override nn.Module Network => _network;

    /// <inheritdoc />
    public override SummaryNetworkOptions SummaryOptions => Options.Summary;

    private protected override string OptionsJson => JsonSerializer.Serialize(Options, SimulationJson.Options);

    /// <summary>Trains on simulations drawn from <paramref name="prior"/> through <paramref name="simulator"/>.</summary>
    /// <exception cref="SimulatorOutputException">The simulator returned data of the wrong shape or with NaN or infinite values.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the last epoch's checkpoint (if any) resumes the run.</exception>
    public static NeuralBayesEstimator Train(IParameterPrior prior, ISimulator simulator, NeuralBayesEstimatorOptions? options = null,
        SimulationTrainingOptions? training = null, IProgress<SimulationTrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        options ??= new NeuralBayesEstimatorOptions();
        training = EstimatorTraining.Check(training, options.Validate, options.Summary, simulator.Shape);
        return Train(prior, EstimatorTraining.Simulate(prior, simulator, training, cancellation), options, training, progress, cancellation);
    }

    /// <summary>Trains on stored simulation sets (see <see cref="SimulationSet.Save"/>).</summary>
    public static NeuralBayesEstimator Train(IParameterPrior prior, SimulationSet trainingSet, SimulationSet validationSet, NeuralBayesEstimatorOptions? options = null,
        SimulationTrainingOptions? training = null, IProgress<SimulationTrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        options ??= new NeuralBayesEstimatorOptions();
        training = EstimatorTraining.Check(training, options.Validate, options.Summary, trainingSet.Shape);
        return Train(prior, EstimatorTraining.Stored(prior, trainingSet, validationSet), options, training, progress, cancellation);
    }

    private static NeuralBayesEstimator Train(IParameterPrior prior, EstimatorSets sets, NeuralBayesEstimatorOptions options, SimulationTrainingOptions training,
        IProgress<SimulationTrainingProgress>? progress, CancellationToken cancellation)
    {
        BayesEstimatorNetwork? built = null;
        var (_, state) = EstimatorTraining.Run(EstimatorKind.NeuralBayes, prior, sets, logitParameters: false, training, (_, _) =>
        {
            built = Build(options, sets.First.Shape, prior.Dimension);
            var levels = tensor(options.Quantiles.Select(q => (float)q).ToArray());
            return (built, (theta, data, _) => Loss(built.forward(data), theta, levels, options.IncludeMean), JsonSerializer.Serialize(options, SimulationJson.Options));
        }, progress, cancellation);
        return new NeuralBayesEstimator(state, options, built!);
    }

    /// <summary>Squared loss for the mean plus pinball losses for the quantiles, on the standardised parameter scale.</summary>
    private static Tensor Loss(Tensor output, Tensor theta, Tensor levels, bool includeMean)
    {
        var target = theta.unsqueeze(2);
        Tensor? total = includeMean ? (output.narrow(2, 0, 1) - target).square().mean() : null;
        long quantiles = levels.shape[0];
        if (quantiles > 0)
        {
            var error = target - output.narrow(2, includeMean ? 1 : 0, quantiles);
            var pinball = maximum(levels * error, (levels - 1) * error).sum(2).mean();
            total = total is null ? pinball : total + pinball;
        }
        return total!;
    }

    private static BayesEstimatorNetwork Build(NeuralBayesEstimatorOptions options, DataShape shape, int parameters) =>
        new(SummaryNetworks.Create(options.Summary, shape), options.Summary.OutputDimension, options.HeadWidth, parameters, options.Quantiles.Length, options.IncludeMean);

    internal static NeuralBayesEstimator Restore(EstimatorState state, string optionsJson, Func<DataShape, nn.Module<Tensor, Tensor>>? customSummary)
    {
        var options = ReadOptions<NeuralBayesEstimatorOptions>(optionsJson, o => o.Summary, (o, s) => o with { Summary = s }, customSummary);
        return new NeuralBayesEstimator(state, options, Build(options, state.Shape, state.ParameterCount));
    }

    /// <summary>The mean and quantiles for one data set.</summary>
    public NeuralBayesEstimate Estimate(float[] data) => Estimate([data])[0];

    /// <summary>The mean and quantiles for many data sets, in batched passes.</summary>
    public IReadOnlyList<NeuralBayesEstimate> Estimate(IReadOnlyList<float[]> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var output = _network.forward(DataTensor(data, 0, data.Count));
        return ToEstimates(output);
    }

    private protected override IReadOnlyList<SimulationPosteriorSummary> SummariseBatch(Tensor data, int seed, long[] streams)
    {
        var estimates = ToEstimates(_network.forward(data));
        return estimates.Select(e => new SimulationPosteriorSummary(
            e.Mean ?? Enumerable.Repeat(double.NaN, ParameterCount).ToArray(),
            QuantileAt(e, 0.5),
            e.Quantiles.Length > 0 ? e.Quantiles[0] : NaNs(),
            e.Quantiles.Length > 0 ? e.Quantiles[^1] : NaNs(),
            e.QuantileLevels.Length > 1 ? e.QuantileLevels[^1] - e.QuantileLevels[0] : double.NaN,
            null)).ToList();
    }

    private double[] QuantileAt(NeuralBayesEstimate estimate, double level)
    {
        int k = Array.FindIndex(estimate.QuantileLevels, q => Math.Abs(q - level) < 1e-12);
        return k >= 0 ? estimate.Quantiles[k] : NaNs();
    }

    private double[] NaNs() => Enumerable.Repeat(double.NaN, ParameterCount).ToArray();

    /// <summary>Network outputs (batch, p, targets) on the standardised scale, mapped back to parameters.</summary>
    private List<NeuralBayesEstimate> ToEstimates(Tensor output)
    {
        var values = output.to_type(ScalarType.Float64).data<double>().ToArray();
        int p = ParameterCount, q = Options.Quantiles.Length, targets = q + (Options.IncludeMean ? 1 : 0);
        var results = new List<NeuralBayesEstimate>((int)output.shape[0]);
        for (int i = 0; i < output.shape[0]; i++)
        {
            double Value(int j, int t) => State.Parameters.FromNetwork(j, values[(i * p + j) * targets + t]);
            double[]? mean = Options.IncludeMean ? Enumerable.Range(0, p).Select(j => Value(j, 0)).ToArray() : null;
            int first = Options.IncludeMean ? 1 : 0;
            var quantiles = Enumerable.Range(0, q).Select(k => Enumerable.Range(0, p).Select(j => Value(j, first + k)).ToArray()).ToArray();
            results.Add(new NeuralBayesEstimate(mean, (double[])Options.Quantiles.Clone(), quantiles));
        }
        return results;
    }
}
