using System.Text.Json;
using Afin.Persistence;
using Afin.Simulation.Modules;
using Afin.Simulation.Training;
using static TorchSharp.torch;

namespace Afin.Simulation.Estimators;

/// <summary>
/// Neural ratio estimation: a classifier trained to tell (theta, data) pairs simulated together from pairs whose theta
/// was shuffled. Its logit estimates log p(data | theta) / p(data), so prior x exp(logit) is the posterior up to a
/// constant: evaluated on a grid for one or two parameters, sampled by random-walk Metropolis for any number.
/// </summary>
public sealed class NeuralRatioEstimator : SimulationEstimator
{
    private readonly RatioEstimatorNetwork _network;

    private NeuralRatioEstimator(EstimatorState state, NeuralRatioEstimatorOptions options, RatioEstimatorNetwork network) : base(state)
    {
        Options = options;
        _network = network;
    }

    /// <summary>The method options it was trained with.</summary>
    public NeuralRatioEstimatorOptions Options { get; }

    private protected override nn.Module Network => _network;

    /// <inheritdoc />
    public override SummaryNetworkOptions SummaryOptions => Options.Summary;

    private protected override string OptionsJson => JsonSerializer.Serialize(Options, SimulationJson.Options);

    /// <summary>Trains on simulations drawn from <paramref name="prior"/> through <paramref name="simulator"/>.</summary>
    /// <exception cref="SimulatorOutputException">The simulator returned data of the wrong shape or with NaN or infinite values.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the last epoch's checkpoint (if any) resumes the run.</exception>
    public static NeuralRatioEstimator Train(IParameterPrior prior, ISimulator simulator, NeuralRatioEstimatorOptions? options = null,
        SimulationTrainingOptions? training = null, IProgress<SimulationTrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        options ??= new NeuralRatioEstimatorOptions();
        training = EstimatorTraining.Check(training, options.Validate, options.Summary, simulator.Shape);
        return Train(prior, EstimatorTraining.Simulate(prior, simulator, training, cancellation), options, training, progress, cancellation);
    }

    /// <summary>Trains on stored simulation sets (see <see cref="SimulationSet.Save"/>).</summary>
    public static NeuralRatioEstimator Train(IParameterPrior prior, SimulationSet trainingSet, SimulationSet validationSet, NeuralRatioEstimatorOptions? options = null,
        SimulationTrainingOptions? training = null, IProgress<SimulationTrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        options ??= new NeuralRatioEstimatorOptions();
        training = EstimatorTraining.Check(training, options.Validate, options.Summary, trainingSet.Shape);
        return Train(prior, EstimatorTraining.Stored(prior, trainingSet, validationSet), options, training, progress, cancellation);
    }

    private static NeuralRatioEstimator Train(IParameterPrior prior, EstimatorSets sets, NeuralRatioEstimatorOptions options, SimulationTrainingOptions training,
        IProgress<SimulationTrainingProgress>? progress, CancellationToken cancellation)
    {
        RatioEstimatorNetwork? built = null;
        var (_, state) = EstimatorTraining.Run(EstimatorKind.NeuralRatio, prior, sets, logitParameters: false, training, (_, _) =>
        {
            built = Build(options, sets.First.Shape, prior.Dimension);
            return (built, (theta, data, _) => Loss(built, theta, data), JsonSerializer.Serialize(options, SimulationJson.Options));
        }, progress, cancellation);
        return new NeuralRatioEstimator(state, options, built!);
    }

    /// <summary>
    /// Binary cross-entropy of dependent pairs (label 1) against pairs whose theta is taken from the next simulation
    /// of the (shuffled) batch (label 0): a derangement, so no pair is dependent by accident.
    /// </summary>
    private static Tensor Loss(RatioEstimatorNetwork network, Tensor theta, Tensor data)
    {
        var summary = network.forward(data);
        var dependent = network.Logit(theta, summary);
        var independent = network.Logit(theta.roll(1, 0), summary);
        return nn.functional.softplus(-dependent).mean() + nn.functional.softplus(independent).mean();
    }

    private static RatioEstimatorNetwork Build(NeuralRatioEstimatorOptions options, DataShape shape, int parameters) =>
        new(SummaryNetworks.Create(options.Summary, shape), options.Summary.OutputDimension, options.HeadWidth, parameters);

    internal static NeuralRatioEstimator Restore(EstimatorState state, string optionsJson, Func<DataShape, nn.Module<Tensor, Tensor>>? customSummary)
    {
        var options = ReadOptions<NeuralRatioEstimatorOptions>(optionsJson, o => o.Summary, (o, s) => o with { Summary = s }, customSummary);
        return new NeuralRatioEstimator(state, options, Build(options, state.Shape, state.ParameterCount));
    }

    private IParameterPrior RequirePrior() => State.Prior
        ?? throw new InvalidOperationException("this ratio estimator was trained under a custom prior, which files do not record; pass it to SimulationEstimator.Load");

    /// <summary>The estimated log-likelihood ratio log p(data | theta) / p(data) at each of <paramref name="parameters"/>.</summary>
    public double[] LogRatio(float[] data, IReadOnlyList<double[]> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var summary = _network.forward(DataTensor([data], 0, 1));
        return Logits(summary, parameters.SelectMany(t => t).ToArray()).Select(v => (double)v).ToArray();
    }

    /// <summary>Logits for flat parameters (count x p) against one summary row (1, D).</summary>
    private float[] Logits(Tensor summary, double[] flatParameters)
    {
        using var scope = NewDisposeScope();
        var theta = State.Parameters.ToNetwork(flatParameters);
        return _network.Logit(theta, summary).data<float>().ToArray();
    }

    /// <summary>The posterior for one data set on a regular grid over the prior's support (one or two parameters).</summary>
    public PosteriorGrid EvaluateGrid(float[] data)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return Grids(DataTensor([data], 0, 1))[0];
    }

    private List<PosteriorGrid> Grids(Tensor data)
    {
        if (ParameterCount > 2)
        {
            throw new InvalidOperationException($"the grid evaluator handles 1 or 2 parameters; this estimator has {ParameterCount}: use SampleMcmc");
        }
        var prior = RequirePrior();
        var axes = Enumerable.Range(0, ParameterCount).Select(j => Axis(j, ParameterCount == 1 ? Options.GridPoints : Options.GridPointsPerAxis)).ToArray();
        var points = GridPoints(axes);
        var logPrior = points.Select(p => prior.LogDensity(p)).ToArray();
        var theta = State.Parameters.ToNetwork(points.SelectMany(p => p).ToArray()).unsqueeze(0);
        var summaries = _network.forward(data).unsqueeze(1);
        var logits = _network.Logit(theta, summaries).to_type(ScalarType.Float64).data<double>().ToArray();
        int n = points.Length;
        return Enumerable.Range(0, (int)data.shape[0])
            .Select(i => new PosteriorGrid(axes, Enumerable.Range(0, n).Select(k => logPrior[k] + logits[i * n + k]).ToArray()))
            .ToList();
    }

    /// <summary>An axis over the prior's support, or the training parameters' mean +- 6 spreads where it is unbounded.</summary>
    private double[] Axis(int j, int count)
    {
        var (lower, upper) = RequirePrior().Support(j);
        double low = double.IsFinite(lower) ? lower : State.Parameters.Mean[j] - 6 * State.Parameters.Scale[j];
        double high = double.IsFinite(upper) ? upper : State.Parameters.Mean[j] + 6 * State.Parameters.Scale[j];
        return Enumerable.Range(0, count).Select(k => low + (high - low) * k / (count - 1)).ToArray();
    }

    private static double[][] GridPoints(double[][] axes) => axes.Length == 1
        ? axes[0].Select(x => new[] { x }).ToArray()
        : axes[0].SelectMany(x => axes[1].Select(y => new[] { x, y })).ToArray();

    /// <summary>
    /// Posterior draws for one data set by random-walk Metropolis on log prior + logit: <see cref="NeuralRatioEstimatorOptions.McmcChains"/>
    /// chains started from prior draws, run in one batched network pass per step, with proposal scales tuned during warm-up.
    /// </summary>
    public double[][] SampleMcmc(float[] data, int draws, int seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(draws, 1);
        var prior = RequirePrior();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var summary = _network.forward(DataTensor([data], 0, 1));
        var sampler = new RatioMetropolis(prior, flat => Logits(summary, flat), State.Parameters.Scale, Options.McmcChains, RandomFor(seed, 0));
        return sampler.Run(Options.McmcWarmup, draws);
    }

    private protected override IReadOnlyList<SimulationPosteriorSummary> SummariseBatch(Tensor data, int seed, long[] streams)
    {
        if (ParameterCount > 2)
        {
            var summaries = new List<SimulationPosteriorSummary>();
            var prior = RequirePrior();
            var all = _network.forward(data);
            for (int i = 0; i < data.shape[0]; i++)
            {
                var row = all.narrow(0, i, 1);
                var sampler = new RatioMetropolis(prior, flat => Logits(row, flat), State.Parameters.Scale, Options.McmcChains, RandomFor(seed, streams[i]));
                summaries.Add(SimulationPosteriorSummary.FromSamples(sampler.Run(Options.McmcWarmup, Options.Samples), Options.CredibleLevel));
            }
            return summaries;
        }
        return Grids(data).Select((grid, i) => FromGrid(grid, RandomFor(seed, streams[i]))).ToList();
    }

    private SimulationPosteriorSummary FromGrid(PosteriorGrid grid, Random random)
    {
        var marginals = Enumerable.Range(0, ParameterCount).Select(grid.Marginal).ToArray();
        double tail = (1 - Options.CredibleLevel) / 2;
        return new SimulationPosteriorSummary(
            marginals.Select(m => m.Mean).ToArray(),
            marginals.Select(m => m.Median).ToArray(),
            marginals.Select(m => m.Quantile(tail)).ToArray(),
            marginals.Select(m => m.Quantile(1 - tail)).ToArray(),
            Options.CredibleLevel,
            grid.Sample(Options.Samples, random));
    }
}
