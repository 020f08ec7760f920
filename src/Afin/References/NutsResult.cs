namespace Afin.References;

/// <summary>
/// The outcome of a <see cref="NutsSampler"/> run: the post-warmup draws of every chain, summaries of
/// the pooled draws, per-coordinate convergence diagnostics, and sampler statistics.
/// </summary>
/// <remarks>
/// Pooled quantities treat all chains' draws as one sample, ordered chain by chain. The diagnostics
/// are those of <see cref="ConvergenceDiagnostics"/> applied to each coordinate.
/// </remarks>
public sealed class NutsResult
{
    private readonly ChainOutput[] _chains;
    private readonly Lazy<double[,]> _covariance;
    private readonly Lazy<CoordinateSummaries> _summaries;

    /// <summary>Every coordinate's pooled mean and variance and convergence diagnostics.</summary>
    private sealed record CoordinateSummaries(
        IReadOnlyList<double> Mean, IReadOnlyList<double> Variance, IReadOnlyList<double> RHat,
        IReadOnlyList<double> BulkEss, IReadOnlyList<double> MeanEss, IReadOnlyList<double> MeanMcse);

    private CoordinateSummaries Summarise()
    {
        int dimension = Dimension;
        var mean = new double[dimension];
        var variance = new double[dimension];
        var rHat = new double[dimension];
        var bulkEss = new double[dimension];
        var meanEss = new double[dimension];
        var meanMcse = new double[dimension];
        // Every coordinate has the same number of split draws, so their normal scores are shared.
        int splitDraws = 2 * Chains * (DrawsPerChain / 2);
        var scores = splitDraws > 0 ? new NormalScoreTable(splitDraws) : null;
        // Coordinates are independent, so summarising them in parallel changes no result.
        Parallel.For(0, dimension, i =>
        {
            var coordinate = GetCoordinateChains(i);
            (mean[i], variance[i]) = ConvergenceDiagnostics.PooledMeanAndVariance(coordinate);
            (rHat[i], bulkEss[i], meanEss[i], meanMcse[i]) = ConvergenceDiagnostics.Summarise(coordinate, scores);
        });
        return new CoordinateSummaries(Array.AsReadOnly(mean), Array.AsReadOnly(variance), Array.AsReadOnly(rHat),
            Array.AsReadOnly(bulkEss), Array.AsReadOnly(meanEss), Array.AsReadOnly(meanMcse));
    }

    internal NutsResult(NutsOptions options, int dimension, ChainOutput[] chains, TimeSpan elapsed)
    {
        Options = options;
        Dimension = dimension;
        _chains = chains;
        Chains = chains.Length;
        DrawsPerChain = options.Draws;
        Elapsed = elapsed;

        var stepSizes = new double[Chains];
        var inverseMetrics = new IReadOnlyList<double>[Chains];
        var divergencesPerChain = new int[Chains];
        var meanAcceptance = new double[Chains];
        for (int c = 0; c < Chains; c++)
        {
            var chain = chains[c];
            stepSizes[c] = chain.StepSize;
            inverseMetrics[c] = Array.AsReadOnly(chain.InverseMetric);
            divergencesPerChain[c] = chain.Divergences;
            meanAcceptance[c] = chain.MeanAcceptStat;
            Divergences += chain.Divergences;
            WarmupDivergences += chain.WarmupDivergences;
            TreeDepthSaturations += chain.TreeDepthSaturations;
            GradientEvaluations += chain.GradientEvaluations;
            LeapfrogSteps += chain.LeapfrogSteps;
        }
        StepSizes = Array.AsReadOnly(stepSizes);
        InverseMetrics = Array.AsReadOnly(inverseMetrics);
        DivergencesPerChain = Array.AsReadOnly(divergencesPerChain);
        MeanAcceptance = Array.AsReadOnly(meanAcceptance);

        // The per-coordinate summaries cost a sort and an autocorrelation per coordinate: computed on first use, so that a
        // result nobody reads (a whitened run's own, before its draws are mapped back) costs nothing.
        _summaries = new Lazy<CoordinateSummaries>(Summarise);
        // O(n d^2), so computed only when asked for.
        _covariance = new Lazy<double[,]>(ComputeCovariance);
    }

    /// <summary>
    /// The same run with every draw mapped through <paramref name="map"/> (for a run in whitened coordinates, back to the
    /// problem's): the summaries and convergence diagnostics are recomputed on the mapped draws; the sampler's own
    /// statistics (step sizes, metrics, divergences, gradient evaluations) are kept.
    /// </summary>
    internal NutsResult MapDraws(AffineLogDensity map)
    {
        int d = Dimension;
        var mapped = new ChainOutput[Chains];
        for (int c = 0; c < Chains; c++)
        {
            var source = _chains[c];
            var target = new ChainOutput(DrawsPerChain, d)
            {
                StepSize = source.StepSize, InverseMetric = source.InverseMetric, Divergences = source.Divergences,
                WarmupDivergences = source.WarmupDivergences, TreeDepthSaturations = source.TreeDepthSaturations,
                MeanAcceptStat = source.MeanAcceptStat, LeapfrogSteps = source.LeapfrogSteps, GradientEvaluations = source.GradientEvaluations,
            };
            source.LogDensities.CopyTo(target.LogDensities, 0);
            for (int t = 0; t < DrawsPerChain; t++)
            {
                map.ToZ(source.Draws.AsSpan(t * d, d), target.Draws.AsSpan(t * d, d));
            }
            mapped[c] = target;
        }
        return new NutsResult(Options, d, mapped, Elapsed);
    }

    /// <summary>The options of the run.</summary>
    public NutsOptions Options { get; }

    /// <summary>The dimension d of each draw.</summary>
    public int Dimension { get; }

    /// <summary>The number of chains.</summary>
    public int Chains { get; }

    /// <summary>Post-warmup draws per chain.</summary>
    public int DrawsPerChain { get; }

    /// <summary>All post-warmup draws: <see cref="Chains"/> * <see cref="DrawsPerChain"/>.</summary>
    public int TotalDraws => Chains * DrawsPerChain;

    /// <summary>Sample mean of each coordinate over the pooled draws.</summary>
    public IReadOnlyList<double> Mean => _summaries.Value.Mean;

    /// <summary>Sample variance (denominator n - 1) of each coordinate over the pooled draws.</summary>
    public IReadOnlyList<double> Variance => _summaries.Value.Variance;

    /// <summary>
    /// Rank-normalised split R-hat of each coordinate (<see cref="ConvergenceDiagnostics.RankNormalizedSplitRHat"/>);
    /// above 1.01 suggests the chains disagree.
    /// </summary>
    public IReadOnlyList<double> RHat => _summaries.Value.RHat;

    /// <summary>Bulk effective sample size of each coordinate (<see cref="ConvergenceDiagnostics.BulkEss"/>).</summary>
    public IReadOnlyList<double> BulkEss => _summaries.Value.BulkEss;

    /// <summary>
    /// Effective sample size of each coordinate for estimating its mean, on the raw draws
    /// (<see cref="ConvergenceDiagnostics.Ess"/>).
    /// </summary>
    public IReadOnlyList<double> MeanEss => _summaries.Value.MeanEss;

    /// <summary>Monte-Carlo standard error of each entry of <see cref="Mean"/>: sqrt(Variance / MeanEss).</summary>
    public IReadOnlyList<double> MeanMcse => _summaries.Value.MeanMcse;

    /// <summary>The step size each chain sampled with (the dual-averaging result).</summary>
    public IReadOnlyList<double> StepSizes { get; }

    /// <summary>The diagonal inverse metric (adapted variance estimates) each chain sampled with.</summary>
    public IReadOnlyList<IReadOnlyList<double>> InverseMetrics { get; }

    /// <summary>Divergent post-warmup transitions over all chains; any at all cast doubt on the draws.</summary>
    public int Divergences { get; }

    /// <summary>Divergent post-warmup transitions of each chain.</summary>
    public IReadOnlyList<int> DivergencesPerChain { get; }

    /// <summary>Divergent warmup transitions over all chains (expected early on; not a problem by themselves).</summary>
    public int WarmupDivergences { get; }

    /// <summary>Post-warmup transitions over all chains that hit the maximum tree depth instead of a U-turn.</summary>
    public int TreeDepthSaturations { get; }

    /// <summary>Mean acceptance statistic of each chain's post-warmup transitions (near the target when adaptation worked).</summary>
    public IReadOnlyList<double> MeanAcceptance { get; }

    /// <summary>Leapfrog steps of the post-warmup transitions over all chains.</summary>
    public long LeapfrogSteps { get; }

    /// <summary>Log density and gradient evaluations over all chains, warmup and initialisation included.</summary>
    public long GradientEvaluations { get; }

    /// <summary>Wall-clock time of sampling, warmup included (not of computing this result's summaries).</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>
    /// The draws of one chain, row-major: draw t is the span [t * d, (t + 1) * d).
    /// </summary>
    /// <param name="chain">The chain index, 0-based.</param>
    public ReadOnlySpan<double> GetChainDraws(int chain) => ChainAt(chain).Draws;

    /// <summary>The log density at each draw of one chain.</summary>
    /// <param name="chain">The chain index, 0-based.</param>
    public ReadOnlySpan<double> GetChainLogDensities(int chain) => ChainAt(chain).LogDensities;

    /// <summary>One coordinate of one draw.</summary>
    /// <param name="chain">The chain index, 0-based.</param>
    /// <param name="draw">The draw index within the chain, 0-based.</param>
    /// <param name="coordinate">The coordinate, 0-based.</param>
    public double GetDraw(int chain, int draw, int coordinate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(draw);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(draw, DrawsPerChain);
        ArgumentOutOfRangeException.ThrowIfNegative(coordinate);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(coordinate, Dimension);
        return ChainAt(chain).Draws[draw * Dimension + coordinate];
    }

    /// <summary>
    /// One coordinate's draws as one array per chain: the layout <see cref="ConvergenceDiagnostics"/> takes.
    /// </summary>
    /// <param name="coordinate">The coordinate, 0-based.</param>
    /// <returns>A new array [chain][draw].</returns>
    public double[][] GetCoordinateChains(int coordinate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(coordinate);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(coordinate, Dimension);
        var result = new double[Chains][];
        for (int c = 0; c < Chains; c++)
        {
            var draws = _chains[c].Draws;
            var values = new double[DrawsPerChain];
            for (int t = 0; t < DrawsPerChain; t++)
            {
                values[t] = draws[t * Dimension + coordinate];
            }
            result[c] = values;
        }
        return result;
    }

    /// <summary>All draws pooled, one per row, chain by chain.</summary>
    /// <returns>A new <see cref="TotalDraws"/> x <see cref="Dimension"/> matrix.</returns>
    public double[,] GetPooledDraws()
    {
        var result = new double[TotalDraws, Dimension];
        int row = 0;
        for (int c = 0; c < Chains; c++)
        {
            var draws = _chains[c].Draws;
            for (int t = 0; t < DrawsPerChain; t++, row++)
            {
                for (int i = 0; i < Dimension; i++)
                {
                    result[row, i] = draws[t * Dimension + i];
                }
            }
        }
        return result;
    }

    /// <summary>The sample covariance matrix (denominator n - 1) of the pooled draws.</summary>
    /// <returns>A new d x d matrix.</returns>
    public double[,] GetCovariance() => (double[,])_covariance.Value.Clone();

    private ChainOutput ChainAt(int chain)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(chain);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(chain, Chains);
        return _chains[chain];
    }

    private double[,] ComputeCovariance()
    {
        int d = Dimension;
        var covariance = new double[d, d];
        var centred = new double[d];
        for (int c = 0; c < Chains; c++)
        {
            var draws = _chains[c].Draws;
            for (int t = 0; t < DrawsPerChain; t++)
            {
                for (int i = 0; i < d; i++)
                {
                    centred[i] = draws[t * d + i] - Mean[i];
                }
                for (int i = 0; i < d; i++)
                {
                    for (int j = 0; j <= i; j++)
                    {
                        covariance[i, j] += centred[i] * centred[j];
                    }
                }
            }
        }
        double scale = TotalDraws > 1 ? 1.0 / (TotalDraws - 1) : double.NaN;
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                covariance[i, j] *= scale;
                covariance[j, i] = covariance[i, j];
            }
        }
        return covariance;
    }
}
