namespace Afin.Inference;

/// <summary>How one importance proposal fared on a problem: what the Auto and Corrected modes chose their proposal by.</summary>
/// <param name="Proposal">The proposal.</param>
/// <param name="Draws">The number of draws weighted (for the mixture, the pooled draws of both proposals).</param>
/// <param name="ParetoK">The PSIS k-hat (NaN when the weights failed).</param>
/// <param name="EffectiveSampleSize">Kish's effective sample size of the smoothed weights (NaN when the weights failed).</param>
/// <param name="MaxRelativeMonteCarloError">
/// The largest Monte Carlo standard error of a weighted posterior mean, in posterior standard deviations (NaN when the
/// weights failed); see <see cref="Correction.ImportanceSamplingResult.MaxRelativeMonteCarloError"/>.
/// </param>
/// <param name="Failure">Why no weights exist (no draw had a finite weight, the Laplace approximation failed), or null.</param>
public sealed record ProposalDiagnostics(ImportanceProposal Proposal, int Draws, double ParetoK, double EffectiveSampleSize,
    double MaxRelativeMonteCarloError, string? Failure = null);
