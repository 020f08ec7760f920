using Afin.Correction;
using Afin.Laplace;
using Afin.Network;
using Afin.References;

namespace Afin.Inference;

/// <summary>
/// The answer of <see cref="AfinInference"/> with the evidence of its quality: the posterior mean and
/// covariance, which method produced them and why, the importance diagnostics of the AFIN
/// posterior, the training-range check and, when NUTS ran, its convergence diagnostics.
/// </summary>
/// <remarks>
/// The outcome holds the intermediate results (the AFIN posterior, the weighted draws, the NUTS
/// draws, or the Laplace approximation) so that draws can be taken from whichever method was
/// returned; for large batches, keep only what is needed. <see cref="Mean"/>, <see cref="Covariance"/>
/// and <see cref="Sample"/> serve every method alike.
/// </remarks>
public sealed class InferenceOutcome
{
    internal InferenceOutcome(InferenceMode mode, InferenceMethod method, string reason, double[] mean, double[,] covariance,
        AfinPosterior? amortized, ImportanceSamplingResult? importanceSampling, NutsResult? nuts, LaplacePosterior? laplace,
        IReadOnlyList<string> outOfRangeReasons, InferenceTimings timings, ExactPosterior? exact = null,
        ImportanceProposal? proposal = null, IReadOnlyList<ProposalDiagnostics>? proposalTrials = null, AmortizedCheck? check = null)
    {
        Mode = mode;
        Method = method;
        Reason = reason;
        Mean = mean;
        Covariance = covariance;
        Amortized = amortized;
        ImportanceSampling = importanceSampling;
        Nuts = nuts;
        NutsSummary = nuts is null ? null : NutsSummary.From(nuts);
        Laplace = laplace;
        OutOfRangeReasons = outOfRangeReasons;
        Timings = timings;
        Exact = exact;
        Proposal = proposal;
        ProposalTrials = proposalTrials ?? [];
        Check = check;
    }

    /// <summary>The mode that was asked for.</summary>
    public InferenceMode Mode { get; }

    /// <summary>The method whose answer is returned.</summary>
    public InferenceMethod Method { get; }

    /// <summary>One sentence saying which path was taken and why, with the diagnostics' values (and any warning).</summary>
    public string Reason { get; }

    /// <summary>The latent dimension d.</summary>
    public int Dimension => Mean.Length;

    /// <summary>The posterior mean, length d.</summary>
    public double[] Mean { get; }

    /// <summary>The posterior covariance, d x d (weighted or sample covariance for the sampling methods).</summary>
    public double[,] Covariance { get; }

    /// <summary>The posterior standard deviations, the square roots of the covariance's diagonal.</summary>
    public double[] StdDev => Enumerable.Range(0, Dimension).Select(i => Math.Sqrt(Covariance[i, i])).ToArray();

    /// <summary>
    /// The AFIN posterior q, the answer of <see cref="InferenceMode.Amortized"/> mode and a proposal and NUTS starting
    /// point of the others; null where the network did not run: in <see cref="InferenceMode.Laplace"/> mode, for a
    /// conjugate problem (answered exactly) and for a problem far outside the training range.
    /// </summary>
    public AfinPosterior? Amortized { get; }

    /// <summary>
    /// The Laplace approximation with how its Newton search ended: the answer of <see cref="InferenceMode.Laplace"/> mode,
    /// and the centre of the Laplace-t proposal when Auto or Corrected tried it; null otherwise.
    /// </summary>
    public LaplacePosterior? Laplace { get; }

    /// <summary>The closed-form posterior of a conjugate problem when <see cref="Method"/> is <see cref="InferenceMethod.Exact"/>; null otherwise.</summary>
    public ExactPosterior? Exact { get; }

    /// <summary>
    /// The importance-weighted draws of the chosen proposal (see <see cref="Proposal"/>); in
    /// <see cref="InferenceMode.Amortized"/> mode the quick check's draws from q. Null where no weights were computed
    /// (Laplace mode, exact answers, a quick check turned off) or no proposal gave a finite weight.
    /// </summary>
    public ImportanceSamplingResult? ImportanceSampling { get; }

    /// <summary>Which proposal <see cref="ImportanceSampling"/> drew from; null when there are no weights.</summary>
    public ImportanceProposal? Proposal { get; }

    /// <summary>Every proposal tried, in order, with its k-hat, ESS and Monte Carlo error (or why it failed); empty when none was.</summary>
    public IReadOnlyList<ProposalDiagnostics> ProposalTrials { get; }

    /// <summary>
    /// The largest Monte Carlo standard error of the weighted posterior means, in posterior standard deviations
    /// (see <see cref="ImportanceSamplingResult.MaxRelativeMonteCarloError"/>); NaN when no weights were computed.
    /// </summary>
    public double MonteCarloError => ImportanceSampling?.MaxRelativeMonteCarloError ?? double.NaN;

    /// <summary>The NUTS run, or null when NUTS did not run.</summary>
    public NutsResult? Nuts { get; }

    /// <summary>NUTS's convergence diagnostics at a glance, or null when NUTS did not run.</summary>
    public NutsSummary? NutsSummary { get; }

    /// <summary>The PSIS k-hat of the chosen proposal's weights; NaN when no weights were computed.</summary>
    public double ParetoK => ImportanceSampling?.ParetoK ?? double.NaN;

    /// <summary>The effective sample size of the smoothed importance weights; NaN when no weights were computed.</summary>
    public double EffectiveSampleSize => ImportanceSampling?.EffectiveSampleSize ?? double.NaN;

    /// <summary>The effective sample size over the number of draws; NaN when no weights were computed.</summary>
    public double EffectiveSampleSizeRatio => ImportanceSampling?.EffectiveSampleSizeRatio ?? double.NaN;

    /// <summary>
    /// Whether the problem lies inside the model's training range (no <see cref="OutOfRangeReasons"/>); always true in
    /// <see cref="InferenceMode.Laplace"/> mode, whose answer owes nothing to the network.
    /// </summary>
    public bool InTrainingRange => OutOfRangeReasons.Count == 0;

    /// <summary>
    /// Why the problem lies outside the model's training range, one sentence each; empty inside it, and in
    /// <see cref="InferenceMode.Laplace"/> mode, which does not consult the model.
    /// </summary>
    public IReadOnlyList<string> OutOfRangeReasons { get; }

    /// <summary>
    /// In <see cref="InferenceMode.Amortized"/> mode, what its quick importance check says of the AFIN posterior: k-hat and
    /// the estimated error of its mean. Null in the other modes (their answers are checked in full) and when the check
    /// was turned off or no draw had a finite weight.
    /// </summary>
    public AmortizedCheck? Check { get; }

    /// <summary>
    /// Whether an <see cref="InferenceMode.Amortized"/> answer comes with a warning that it may be inaccurate: its quick
    /// check does not vouch for it (<see cref="AmortizedCheck.Clears"/>: k-hat above 0.7, or an error it cannot bound below
    /// 0.5 posterior sds, or no draw with a finite weight), inside the training range or not; with the check turned off,
    /// when the problem lies outside the training range. Always false in the other modes, whose answers are checked
    /// (see <see cref="Reason"/>).
    /// </summary>
    public bool Flagged { get; init; }

    /// <summary>The wall-clock time of each stage.</summary>
    public InferenceTimings Timings { get; }

    /// <summary>
    /// Equally weighted draws from the returned posterior: fresh draws from q for
    /// <see cref="InferenceMethod.Amortized"/>, systematic resampling of the weighted draws for
    /// <see cref="InferenceMethod.ImportanceSampling"/>, evenly spaced pooled NUTS draws for
    /// <see cref="InferenceMethod.Nuts"/> (repeating them when more are asked for than were drawn),
    /// fresh draws from N(mode, covariance) for <see cref="InferenceMethod.Laplace"/> and from the closed-form posterior
    /// for <see cref="InferenceMethod.Exact"/>.
    /// </summary>
    /// <param name="count">The number of draws, at least 1.</param>
    /// <param name="seed">Seeds the AFIN or Laplace sampler or the resampling offset; NUTS draws ignore it.</param>
    /// <returns>A new count x d matrix.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is below 1.</exception>
    public double[,] Sample(int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return Method switch
        {
            InferenceMethod.ImportanceSampling => ImportanceSampling!.Resample(count, seed),
            InferenceMethod.Nuts => EvenlySpaced(Nuts!.GetPooledDraws(), count),
            InferenceMethod.Laplace => Laplace!.Sample(count, seed),
            InferenceMethod.Exact => Exact!.Sample(count, seed),
            _ => Amortized!.Sample(count, seed),
        };
    }

    private static double[,] EvenlySpaced(double[,] draws, int count)
    {
        int total = draws.GetLength(0), d = draws.GetLength(1);
        var result = new double[count, d];
        for (int i = 0; i < count; i++)
        {
            int row = (int)((long)i * total / count);
            for (int j = 0; j < d; j++)
            {
                result[i, j] = draws[row, j];
            }
        }
        return result;
    }
}
