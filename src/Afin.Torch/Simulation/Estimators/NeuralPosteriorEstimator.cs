using System.Text.Json;
using Afin.Persistence;
using Afin.Simulation.Modules;
using Afin.Simulation.Training;
using static TorchSharp.torch;

namespace Afin.Simulation.Estimators;

/// <summary>
/// Neural posterior estimation: a conditional density q(theta | data), a spline flow or a Gaussian mixture on the
/// summary, trained by maximum likelihood on simulated pairs (the forward KL from the posterior). Bounded parameters are
/// modelled on the logit scale, so no mass falls outside the prior's support. Gives draws and log-densities.
/// </summary>
public sealed class NeuralPosteriorEstimator : SimulationEstimator
{
    private readonly PosteriorEstimatorNetwork _network;

    private NeuralPosteriorEstimator(EstimatorState state, NeuralPosteriorEstimatorOptions options, PosteriorEstimatorNetwork network) : base(state)
    {
        Options = options;
        _network = network;
    }

    /// <summary>The method options it was trained with.</summary>
    public NeuralPosteriorEstimatorOptions Options { get; }

    private protected override nn.Module Network => _network;

    /// <inheritdoc />
    public override SummaryNetworkOptions SummaryOptions => Options.Summary;

    private protected override string OptionsJson => JsonSerializer.Serialize(Options, SimulationJson.Options);

    /// <summary>Trains on simulations drawn from <paramref name="prior"/> through <paramref name="simulator"/>.</summary>
    /// <exception cref="SimulatorOutputException">The simulator returned data of the wrong shape or with NaN or infinite values.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the last epoch's checkpoint (if any) resumes the run.</exception>
    public static NeuralPosteriorEstimator Train(IParameterPrior prior, ISimulator simulator, NeuralPosteriorEstimatorOptions? options = null,
        SimulationTrainingOptions? training = null, IProgress<SimulationTrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        options ??= new NeuralPosteriorEstimatorOptions();
        training = EstimatorTraining.Check(training, options.Validate, options.Summary, simulator.Shape);
        return Train(prior, EstimatorTraining.Simulate(prior, simulator, training, cancellation), options, training, progress, cancellation);
    }

    /// <summary>Trains on stored simulation sets (see <see cref="SimulationSet.Save"/>).</summary>
    public static NeuralPosteriorEstimator Train(IParameterPrior prior, SimulationSet trainingSet, SimulationSet validationSet, NeuralPosteriorEstimatorOptions? options = null,
        SimulationTrainingOptions? training = null, IProgress<SimulationTrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        options ??= new NeuralPosteriorEstimatorOptions();
        training = EstimatorTraining.Check(training, options.Validate, options.Summary, trainingSet.Shape);
        return Train(prior, EstimatorTraining.Stored(prior, trainingSet, validationSet), options, training, progress, cancellation);
    }

    private static NeuralPosteriorEstimator Train(IParameterPrior prior, EstimatorSets sets, NeuralPosteriorEstimatorOptions options, SimulationTrainingOptions training,
        IProgress<SimulationTrainingProgress>? progress, CancellationToken cancellation)
    {
        PosteriorEstimatorNetwork? built = null;
        var (_, state) = EstimatorTraining.Run(EstimatorKind.NeuralPosterior, prior, sets, logitParameters: true, training, (_, _) =>
        {
            built = Build(options, sets.First.Shape, prior.Dimension);
            return (built, (theta, data, _) => -built.Density.LogProb(theta, built.forward(data)).mean(), JsonSerializer.Serialize(options, SimulationJson.Options));
        }, progress, cancellation);
        return new NeuralPosteriorEstimator(state, options, built!);
    }

    private static PosteriorEstimatorNetwork Build(NeuralPosteriorEstimatorOptions options, DataShape shape, int parameters)
    {
        var summary = SummaryNetworks.Create(options.Summary, shape);
        int context = options.Summary.OutputDimension;
        nn.Module density = options.Density == PosteriorDensityKind.GaussianMixture
            ? new ConditionalGaussianMixture(parameters, context, options.MixtureComponents, hiddenDim: options.HeadWidth)
            : new ConditionalSplineFlow(parameters, context, options.FlowLayers, options.SplineBins, hiddenDim: options.HeadWidth);
        return new PosteriorEstimatorNetwork(summary, density);
    }

    internal static NeuralPosteriorEstimator Restore(EstimatorState state, string optionsJson, Func<DataShape, nn.Module<Tensor, Tensor>>? customSummary)
    {
        var options = ReadOptions<NeuralPosteriorEstimatorOptions>(optionsJson, o => o.Summary, (o, s) => o with { Summary = s }, customSummary);
        return new NeuralPosteriorEstimator(state, options, Build(options, state.Shape, state.ParameterCount));
    }

    /// <summary><paramref name="count"/> posterior draws for one data set (draw x parameter), seeded.</summary>
    public double[][] Sample(float[] data, int count, int seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return Draws(_network.forward(DataTensor([data], 0, 1)), count, seed, 0);
    }

    /// <summary>log q(theta | data) on the parameter scale (negative infinity outside the prior's support).</summary>
    public double LogDensity(float[] data, double[] theta)
    {
        ArgumentNullException.ThrowIfNull(theta);
        if (theta.Length != ParameterCount)
        {
            throw new ArgumentException($"theta has {theta.Length} values; expected {ParameterCount}", nameof(theta));
        }
        for (int j = 0; j < theta.Length; j++)
        {
            var (lower, upper) = State.Parameters.Logit[j] ? (State.Parameters.Lower[j], State.Parameters.Upper[j]) : (double.NegativeInfinity, double.PositiveInfinity);
            if (!(theta[j] > lower && theta[j] < upper))
            {
                return double.NegativeInfinity;
            }
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var context = _network.forward(DataTensor([data], 0, 1));
        double logq = _network.Density.LogProb(State.Parameters.ToNetwork(theta), context).to_type(ScalarType.Float64).item<double>();
        return logq + State.Parameters.LogJacobian(theta);
    }

    private double[][] Draws(Tensor context, int count, int seed, long stream)
    {
        using var generator = new Generator((ulong)RandomFor(seed, stream).NextInt64());
        var values = _network.Density.Sample(context, count, generator).to_type(ScalarType.Float64).data<double>().ToArray();
        int p = ParameterCount;
        return Enumerable.Range(0, count).Select(s => Enumerable.Range(0, p).Select(j => State.Parameters.FromNetwork(j, values[s * p + j])).ToArray()).ToArray();
    }

    private protected override IReadOnlyList<SimulationPosteriorSummary> SummariseBatch(Tensor data, int seed, long[] streams)
    {
        var contexts = _network.forward(data);
        return Enumerable.Range(0, (int)data.shape[0])
            .Select(i => SimulationPosteriorSummary.FromSamples(Draws(contexts.narrow(0, i, 1), Options.Samples, seed, streams[i]), Options.CredibleLevel))
            .ToList();
    }
}
