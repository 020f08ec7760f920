using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Afin.Modelling;

namespace Afin.References;

/// <summary>
/// A reference No-U-Turn sampler as in Stan: multinomial NUTS (Hoffman and Gelman 2014; Betancourt
/// 2017) with the generalised U-turn criterion, a diagonal metric, and Stan's warmup (dual-averaging
/// step-size adaptation and windowed metric adaptation). Chains run in parallel, one
/// <see cref="ILogDensity.CreateWorker"/> instance each, and a seed gives bit-identical draws.
/// </summary>
public static class NutsSampler
{
    /// <summary>
    /// Samples from the density with <paramref name="options"/> (Stan's defaults when null).
    /// </summary>
    /// <param name="density">The target log density with its gradient.</param>
    /// <param name="options">Run settings; null for the defaults.</param>
    /// <param name="progress">
    /// Receives progress from every chain, on that chain's thread, about 100 times per chain (every
    /// max(1, total / 100) iterations, and after the last one). Keep the handler cheap.
    /// </param>
    /// <param name="cancellationToken">Stops all chains at their next iteration.</param>
    /// <returns>The draws of every chain with summaries and convergence diagnostics.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="density"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// The density has dimension 0, or an option is invalid (<see cref="ArgumentException.ParamName"/>
    /// names the option).
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="InvalidOperationException">
    /// No valid starting point or step size was found, metric adaptation overflowed, or a worker from
    /// <see cref="ILogDensity.CreateWorker"/> has another dimension.
    /// </exception>
    /// <remarks>An exception thrown by the density in any chain stops all chains and is rethrown as is.</remarks>
    public static NutsResult Sample(ILogDensity density, NutsOptions? options = null,
        IProgress<NutsProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(density);
        options ??= new NutsOptions();
        int dimension = density.Dimension;
        if (dimension < 1)
        {
            throw new ArgumentException($"expected a density of dimension at least 1, got {dimension}", nameof(density));
        }
        options.Validate(dimension);
        cancellationToken.ThrowIfCancellationRequested();

        var stopwatch = Stopwatch.StartNew();
        int chainCount = options.Chains;
        // Workers are created here, one after another, because CreateWorker itself need not be thread-safe.
        var workers = new ILogDensity[chainCount];
        for (int c = 0; c < chainCount; c++)
        {
            workers[c] = density.CreateWorker();
            if (workers[c] is null || workers[c].Dimension != dimension)
            {
                throw new InvalidOperationException(
                    $"density.CreateWorker() must return a density of the same dimension {dimension}.");
            }
        }

        var outputs = new ChainOutput[chainCount];
        var failures = new Exception?[chainCount];
        // A failing chain cancels the others so the caller hears about it promptly.
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Parallel.For(0, chainCount, new ParallelOptions { MaxDegreeOfParallelism = Math.Min(chainCount, options.MaxParallelChains ?? chainCount) }, c =>
        {
            try
            {
                outputs[c] = RunChain(workers[c], options, c, progress, abort.Token);
            }
            catch (Exception exception)
            {
                failures[c] = exception;
                abort.Cancel();
            }
        });

        cancellationToken.ThrowIfCancellationRequested();
        for (int c = 0; c < chainCount; c++)
        {
            if (failures[c] is { } failure and not OperationCanceledException)
            {
                ExceptionDispatchInfo.Capture(failure).Throw();
            }
        }
        stopwatch.Stop();
        return new NutsResult(options, dimension, outputs, stopwatch.Elapsed);
    }

    /// <summary>
    /// Runs warmup then sampling for one chain, in the order of Stan's adapt_diag_e_nuts: each warmup
    /// transition is followed by a step-size update and a metric update; after a metric update the
    /// step size is searched afresh and dual averaging restarts around it.
    /// </summary>
    private static ChainOutput RunChain(ILogDensity density, NutsOptions options, int chainIndex,
        IProgress<NutsProgress>? progress, CancellationToken cancellationToken)
    {
        int dimension = density.Dimension;
        int warmup = options.Warmup;
        int draws = options.Draws;
        int total = warmup + draws;
        int reportEvery = Math.Max(1, total / 100);

        var chain = new NutsChain(density, options.Seed, chainIndex, options.MaxTreeDepth);
        var output = new ChainOutput(draws, dimension);
        // The metric first: the step-size search below runs at its scale.
        chain.InitialiseMetric(options.InitialInverseMetric);
        chain.Initialise(options.InitialPoint);

        var stepSizeAdapter = new StepSizeAdapter(options.TargetAcceptance)
        {
            // Stan centres the first adaptation phase on the user's step size, not the searched one.
            Mu = Math.Log(10 * options.InitialStepSize),
        };
        var metricAdapter = new MassMatrixAdapter(dimension, warmup);
        double stepSize = chain.FindReasonableStepSize(options.InitialStepSize);

        for (int iteration = 0; iteration < warmup; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            chain.Transition(stepSize);
            if (chain.LastDivergent)
            {
                output.WarmupDivergences++;
            }
            stepSize = stepSizeAdapter.Learn(chain.LastAcceptStat);
            if (metricAdapter.Learn(chain.Position, chain.InverseMetric))
            {
                chain.InverseMetricChanged();
                stepSize = chain.FindReasonableStepSize(stepSize);
                stepSizeAdapter.Mu = Math.Log(10 * stepSize);
                stepSizeAdapter.Restart();
            }
            Report(progress, chainIndex, iteration + 1, total, reportEvery, isWarmup: true);
        }
        // With no warmup there is no average to take: keep the searched step size.
        if (warmup > 0)
        {
            stepSize = stepSizeAdapter.FinalStepSize();
        }

        double sumAcceptStat = 0;
        for (int draw = 0; draw < draws; draw++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            chain.Transition(stepSize);
            chain.Position.CopyTo(output.Draws.AsSpan(draw * dimension, dimension));
            output.LogDensities[draw] = chain.LogDensity;
            if (chain.LastDivergent)
            {
                output.Divergences++;
            }
            if (chain.LastTreeDepth >= options.MaxTreeDepth)
            {
                output.TreeDepthSaturations++;
            }
            sumAcceptStat += chain.LastAcceptStat;
            output.LeapfrogSteps += chain.LastLeapfrogSteps;
            Report(progress, chainIndex, warmup + draw + 1, total, reportEvery, isWarmup: false);
        }

        output.StepSize = stepSize;
        output.InverseMetric = (double[])chain.InverseMetric.Clone();
        output.MeanAcceptStat = sumAcceptStat / draws;
        output.GradientEvaluations = chain.GradientEvaluations;
        return output;
    }

    private static void Report(IProgress<NutsProgress>? progress, int chain, int iteration, int total, int every, bool isWarmup)
    {
        if (progress is not null && (iteration % every == 0 || iteration == total))
        {
            progress.Report(new NutsProgress(chain, iteration, total, isWarmup));
        }
    }
}
