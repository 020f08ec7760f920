using Afin.Correction;

namespace Afin.Inference;

/// <summary>Importance weights from one proposal, with the proposal itself so that more draws can be made from it.</summary>
/// <param name="Proposal">Which proposal.</param>
/// <param name="Result">The weighted draws.</param>
internal sealed record ProposalRun(ImportanceProposal Proposal, ImportanceSamplingResult Result)
{
    /// <summary>The run as the public diagnostics row.</summary>
    internal ProposalDiagnostics Diagnostics =>
        new(Proposal, Result.DrawCount, Result.ParetoK, Result.EffectiveSampleSize, Result.MaxRelativeMonteCarloError);

    /// <summary>Whether the weights are reliable: k-hat within the bar for this many draws, and enough effective draws.</summary>
    internal bool IsReliable(AutoInferenceOptions options) =>
        Result.ParetoK <= InferenceReasons.KBar(options, Result) && Result.EffectiveSampleSize >= options.CorrectedMinEss;

    /// <summary>Whether the answer is accepted: reliable, and every weighted mean within the Monte Carlo error bar for its dimension.</summary>
    internal bool IsAccepted(AutoInferenceOptions options) =>
        IsReliable(options) && Result.MaxRelativeMonteCarloError <= options.MonteCarloBar(Result.Dimension);
}
