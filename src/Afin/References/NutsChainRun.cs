using Afin.Modelling;

namespace Afin.References;

/// <summary>
/// One chain's warmup and sampling as separate steps, in the order of Stan's adapt_diag_e_nuts, so that a run can look at
/// its diagnostics and then draw more from the same adapted chains instead of starting over.
/// </summary>
internal sealed class NutsChainRun
{
    private readonly NutsChain _chain;
    private readonly NutsOptions _options;
    private readonly int _index;
    private readonly int _dimension;
    private readonly IProgress<NutsProgress>? _progress;
    private double _stepSize;
    private double _sumAcceptStat;
    private int _iterations;

    internal NutsChainRun(ILogDensity density, NutsOptions options, int index, IProgress<NutsProgress>? progress)
    {
        _options = options;
        _index = index;
        _progress = progress;
        _dimension = density.Dimension;
        _chain = new NutsChain(density, options.Seed, index, options.MaxTreeDepth);
        Output = new ChainOutput(0, density.Dimension);
    }

    /// <summary>The draws so far, replaced (not changed) by every <see cref="Draw"/>, so an earlier result keeps its own.</summary>
    internal ChainOutput Output { get; private set; }

    /// <summary>
    /// Initialises the chain and runs the warmup: each transition is followed by a step-size update and a metric update;
    /// after a metric update the step size is searched afresh and dual averaging restarts around it.
    /// </summary>
    internal void WarmUp(int plannedTotal, CancellationToken cancellationToken)
    {
        int warmup = _options.Warmup;
        // The metric first: the step-size search below runs at its scale.
        _chain.InitialiseMetric(_options.InitialInverseMetric);
        _chain.Initialise(_options.InitialPoint);
        var stepSizeAdapter = new StepSizeAdapter(_options.TargetAcceptance)
        {
            // Stan centres the first adaptation phase on the user's step size, not the searched one.
            Mu = Math.Log(10 * _options.InitialStepSize),
        };
        var metricAdapter = new MassMatrixAdapter(_chain.InverseMetric.Length, warmup);
        _stepSize = _chain.FindReasonableStepSize(_options.InitialStepSize);
        int warmupDivergences = 0;
        for (int iteration = 0; iteration < warmup; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _chain.Transition(_stepSize);
            warmupDivergences += _chain.LastDivergent ? 1 : 0;
            _stepSize = stepSizeAdapter.Learn(_chain.LastAcceptStat);
            if (metricAdapter.Learn(_chain.Position, _chain.InverseMetric))
            {
                _chain.InverseMetricChanged();
                _stepSize = _chain.FindReasonableStepSize(_stepSize);
                stepSizeAdapter.Mu = Math.Log(10 * _stepSize);
                stepSizeAdapter.Restart();
            }
            Report(plannedTotal, isWarmup: true);
        }
        // With no warmup there is no average to take: keep the searched step size.
        if (warmup > 0)
        {
            _stepSize = stepSizeAdapter.FinalStepSize();
        }
        Output.WarmupDivergences = warmupDivergences;
        Output.GradientEvaluations = _chain.GradientEvaluations;
    }

    /// <summary>Draws <paramref name="count"/> more post-warmup transitions at the adapted step size and metric.</summary>
    internal void Draw(int count, int plannedTotal, CancellationToken cancellationToken)
    {
        int dimension = _dimension;
        var output = Output.Extended(count);
        int first = output.LogDensities.Length - count;
        for (int draw = first; draw < first + count; draw++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _chain.Transition(_stepSize);
            _chain.Position.CopyTo(output.Draws.AsSpan(draw * dimension, dimension));
            output.LogDensities[draw] = _chain.LogDensity;
            output.Divergences += _chain.LastDivergent ? 1 : 0;
            output.TreeDepthSaturations += _chain.LastTreeDepth >= _options.MaxTreeDepth ? 1 : 0;
            _sumAcceptStat += _chain.LastAcceptStat;
            output.LeapfrogSteps += _chain.LastLeapfrogSteps;
            Report(plannedTotal, isWarmup: false);
        }
        output.StepSize = _stepSize;
        output.InverseMetric = (double[])_chain.InverseMetric.Clone();
        output.MeanAcceptStat = _sumAcceptStat / output.LogDensities.Length;
        output.GradientEvaluations = _chain.GradientEvaluations;
        Output = output;
    }

    /// <summary>Reports progress about 100 times over the planned iterations, and at the last one.</summary>
    private void Report(int plannedTotal, bool isWarmup)
    {
        _iterations++;
        int every = Math.Max(1, plannedTotal / 100);
        if (_progress is not null && (_iterations % every == 0 || _iterations == plannedTotal))
        {
            _progress.Report(new NutsProgress(_index, _iterations, Math.Max(plannedTotal, _iterations), isWarmup));
        }
    }
}
