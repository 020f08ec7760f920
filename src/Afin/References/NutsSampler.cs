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
        IProgress<NutsProgress>? progress = null, CancellationToken cancellationToken = default) =>
        SampleInRounds(density, options ?? new NutsOptions(), _ => 0, progress, cancellationToken);

    /// <summary>
    /// Samples like <see cref="Sample"/>, then asks <paramref name="moreDraws"/> after each round how many more draws per
    /// chain to make from the same adapted chains (0 stops), so that a run can stop as soon as its diagnostics suffice.
    /// The first round makes <see cref="NutsOptions.Draws"/> draws per chain; the result of each round counts every draw so far,
    /// and the result returned is the last one <paramref name="moreDraws"/> was asked about.
    /// </summary>
    internal static NutsResult SampleInRounds(ILogDensity density, NutsOptions options, Func<NutsResult, int> moreDraws,
        IProgress<NutsProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(density);
        int dimension = density.Dimension;
        if (dimension < 1)
        {
            throw new ArgumentException($"expected a density of dimension at least 1, got {dimension}", nameof(density));
        }
        options.Validate(dimension);
        cancellationToken.ThrowIfCancellationRequested();

        var stopwatch = Stopwatch.StartNew();
        var runs = CreateRuns(density, options, progress);
        int planned = options.Warmup + options.Draws;
        InAllChains(runs, options, cancellationToken, (run, token) =>
        {
            run.WarmUp(planned, token);
            run.Draw(options.Draws, planned, token);
        });
        int drawsPerChain = options.Draws;
        var result = new NutsResult(options, dimension, runs.Select(r => r.Output).ToArray(), stopwatch.Elapsed);
        for (int extra = moreDraws(result); extra > 0; extra = moreDraws(result))
        {
            drawsPerChain += extra;
            planned = options.Warmup + drawsPerChain;
            InAllChains(runs, options, cancellationToken, (run, token) => run.Draw(extra, planned, token));
            result = new NutsResult(options with { Draws = drawsPerChain }, dimension, runs.Select(r => r.Output).ToArray(), stopwatch.Elapsed);
        }
        return result;
    }

    /// <summary>One run per chain, each on its own worker; workers are created one after another, because CreateWorker need not be thread-safe.</summary>
    private static NutsChainRun[] CreateRuns(ILogDensity density, NutsOptions options, IProgress<NutsProgress>? progress)
    {
        var runs = new NutsChainRun[options.Chains];
        for (int c = 0; c < runs.Length; c++)
        {
            var worker = density.CreateWorker();
            if (worker is null || worker.Dimension != density.Dimension)
            {
                throw new InvalidOperationException(
                    $"density.CreateWorker() must return a density of the same dimension {density.Dimension}.");
            }
            runs[c] = new NutsChainRun(worker, options, c, progress);
        }
        return runs;
    }

    /// <summary>
    /// Runs <paramref name="step"/> on every chain in parallel (at most <see cref="NutsOptions.MaxParallelChains"/> at
    /// once). A failing chain cancels the others so the caller hears about it promptly, and its exception is rethrown as is.
    /// </summary>
    private static void InAllChains(NutsChainRun[] runs, NutsOptions options, CancellationToken cancellationToken,
        Action<NutsChainRun, CancellationToken> step)
    {
        var failures = new Exception?[runs.Length];
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Parallel.For(0, runs.Length, new ParallelOptions { MaxDegreeOfParallelism = Math.Min(runs.Length, options.MaxParallelChains ?? runs.Length) }, c =>
        {
            try
            {
                step(runs[c], abort.Token);
            }
            catch (Exception exception)
            {
                failures[c] = exception;
                abort.Cancel();
            }
        });
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var failure in failures)
        {
            if (failure is not null and not OperationCanceledException)
            {
                ExceptionDispatchInfo.Capture(failure).Throw();
            }
        }
    }
}
