namespace Afin.Correction;

/// <summary>
/// Self-normalised importance sampling draws with raw and Pareto-smoothed weights, the diagnostics that
/// say whether to trust them, and the weighted posterior moments.
/// </summary>
/// <remarks>
/// Arrays are returned as held, not copied (the draws alone can be large); treat them as read-only,
/// since <see cref="Resample"/> reads them.
/// </remarks>
public sealed class ImportanceSamplingResult
{
    internal ImportanceSamplingResult(double[,] draws, double[] logTarget, double[] logProposal, double[] logWeights,
        double[] smoothedLogWeights, double paretoK, int nonFiniteDraws)
    {
        Draws = draws;
        LogTarget = logTarget;
        LogProposal = logProposal;
        LogWeights = logWeights;
        SmoothedLogWeights = smoothedLogWeights;
        SmoothedWeights = LogSpace.Exp(smoothedLogWeights);
        RawEffectiveSampleSize = LogSpace.EffectiveSampleSize(LogSpace.Exp(logWeights));
        EffectiveSampleSize = LogSpace.EffectiveSampleSize(SmoothedWeights);
        ParetoK = paretoK;
        NonFiniteDraws = nonFiniteDraws;
        ParetoKThreshold = ParetoSmoothing.SampleSizeThreshold(draws.GetLength(0) - nonFiniteDraws);
        Mean = WeightedMoments.Mean(draws, SmoothedWeights);
        Covariance = WeightedMoments.Covariance(draws, SmoothedWeights, Mean);
        MonteCarloStandardError = WeightedMoments.MeanStandardError(draws, SmoothedWeights, Mean);
        MaxRelativeMonteCarloError = LargestRelativeError(MonteCarloStandardError, Covariance);
    }

    /// <summary>max over j of error[j] / √covariance[j, j]; NaN as soon as one ratio is NaN (0 / 0: a coordinate without spread).</summary>
    private static double LargestRelativeError(double[] error, double[,] covariance)
    {
        double largest = 0;
        for (int j = 0; j < error.Length; j++)
        {
            double relative = error[j] / Math.Sqrt(covariance[j, j]);
            if (double.IsNaN(relative))
            {
                return double.NaN;
            }
            largest = Math.Max(largest, relative);
        }
        return largest;
    }

    /// <summary>The proposal draws, n x d, one per row.</summary>
    public double[,] Draws { get; }

    /// <summary>The number of draws n, including those of zero weight.</summary>
    public int DrawCount => Draws.GetLength(0);

    /// <summary>The latent dimension d.</summary>
    public int Dimension => Draws.GetLength(1);

    /// <summary>The unnormalised log target log p(zᵢ) at each draw, as evaluated (possibly non-finite).</summary>
    public double[] LogTarget { get; }

    /// <summary>The proposal log density log q(zᵢ) at each draw, as evaluated (possibly non-finite).</summary>
    public double[] LogProposal { get; }

    /// <summary>
    /// The raw self-normalised log weights log wᵢ = rᵢ - log Σⱼ exp(rⱼ) with rᵢ = log p(zᵢ) - log q(zᵢ),
    /// normalised by log-sum-exp so they are finite whatever the scale of the densities; -∞ for a
    /// non-finite draw.
    /// </summary>
    public double[] LogWeights { get; }

    /// <summary>The Pareto-smoothed log weights, self-normalised like <see cref="LogWeights"/>.</summary>
    public double[] SmoothedLogWeights { get; }

    /// <summary>The Pareto-smoothed weights, summing to one; the weights every estimate here uses.</summary>
    public double[] SmoothedWeights { get; }

    /// <summary>Kish's effective sample size 1 / Σ wᵢ² of the smoothed weights, between 1 and n.</summary>
    public double EffectiveSampleSize { get; }

    /// <summary>Kish's effective sample size of the raw (unsmoothed) weights.</summary>
    public double RawEffectiveSampleSize { get; }

    /// <summary><see cref="EffectiveSampleSize"/> / n, the fraction of the draws effectively used (1 for a perfect proposal).</summary>
    public double EffectiveSampleSizeRatio => EffectiveSampleSize / DrawCount;

    /// <summary>
    /// The PSIS shape diagnostic k̂ (see <see cref="ParetoSmoothing"/>): below 0.5 good, 0.5 to 0.7 usable,
    /// above <see cref="ParetoKThreshold"/> unreliable. +∞ when too few draws were finite to fit a tail,
    /// -∞ when the largest ratios are all equal (the proposal matches the target up to a constant there).
    /// </summary>
    public double ParetoK { get; }

    /// <summary>The sample-size-dependent threshold min(1 - 1/log10 S, 0.7) for S finite draws.</summary>
    public double ParetoKThreshold { get; }

    /// <summary>Whether k̂ is at most <see cref="ParetoKThreshold"/>, that is, whether the weighted estimates can be trusted.</summary>
    public bool IsReliable => ParetoK <= ParetoKThreshold;

    /// <summary>The number of draws at which log p or log q was NaN or infinite; they have zero weight.</summary>
    public int NonFiniteDraws { get; }

    /// <summary>The weighted mean Σ wᵢ zᵢ under the smoothed weights, length d.</summary>
    public double[] Mean { get; }

    /// <summary>The weighted covariance Σ wᵢ (zᵢ - μ)(zᵢ - μ)ᵀ under the smoothed weights, d x d.</summary>
    public double[,] Covariance { get; }

    /// <summary>
    /// The Monte Carlo standard error of each coordinate of <see cref="Mean"/>, √(Σ wᵢ² (zᵢⱼ - μⱼ)²): the delta-method
    /// error of a self-normalised estimate (Owen, Monte Carlo theory, methods and examples, 9.2), which, unlike
    /// sd / √ESS, sees whether the heavy weights fall where the coordinate is far from its mean.
    /// </summary>
    public double[] MonteCarloStandardError { get; }

    /// <summary>
    /// The largest <see cref="MonteCarloStandardError"/> over the coordinates, in posterior standard deviations
    /// (√<see cref="Covariance"/>ⱼⱼ): how far, at about one standard error, the weighted mean may lie from the exact one.
    /// NaN when a coordinate has no spread.
    /// </summary>
    public double MaxRelativeMonteCarloError { get; }

    /// <summary>
    /// Equally weighted draws by systematic resampling under the smoothed weights: each draw is copied
    /// about wᵢ·<paramref name="count"/> times (within one), so the copies' mean tracks <see cref="Mean"/> closely.
    /// </summary>
    /// <param name="count">The number of draws to return, at least 1.</param>
    /// <param name="seed">Seeds the single uniform offset; the same seed gives the same draws.</param>
    /// <returns>A new count x d matrix, in the order of the original draws (repeated draws adjacent).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is below 1.</exception>
    public double[,] Resample(int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var indices = SystematicResampling.Indices(SmoothedWeights, count, seed);
        int d = Dimension;
        var result = new double[count, d];
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < d; j++)
            {
                result[i, j] = Draws[indices[i], j];
            }
        }
        return result;
    }
}
