using System.Diagnostics;
using Afin.Correction;

namespace Afin.Inference;

/// <summary>
/// What each network-based <see cref="InferenceMode"/> does once the AFIN posterior is at hand (or the network was
/// skipped for a problem far outside its training range); <see cref="InferenceMode.Laplace"/> and exact answers never
/// get here (<see cref="LaplaceInference"/>, <see cref="ExactInference"/>).
/// </summary>
internal static class InferencePolicy
{
    internal static InferenceOutcome Decide(InferenceContext context) => context.Mode switch
    {
        InferenceMode.Amortized => Amortized(context),
        InferenceMode.Corrected => Corrected(context),
        InferenceMode.Auto => Auto(context),
        _ => throw new ArgumentOutOfRangeException(nameof(context), context.Mode, "the policy decides only the modes that run the network"),
    };

    /// <summary>
    /// The AFIN posterior as is, with a quick importance check reported (not acted on): its k-hat, the mean error it
    /// estimates, and whether the answer is flagged.
    /// </summary>
    private static InferenceOutcome Amortized(InferenceContext context)
    {
        var posterior = context.Posterior ?? throw new InvalidOperationException("Amortized mode needs the AFIN posterior.");
        var clock = Stopwatch.StartNew();
        bool checking = context.Options.AmortizedCheckDraws > 0;
        // A failed check (no draw of finite weight) is not listed: the reason says it failed, which is itself the warning.
        var attempts = new List<ProposalDiagnostics>();
        var run = checking
            ? ProposalSearch.TryRun(context, ImportanceProposal.Afin, posterior, context.Options.AmortizedCheckDraws, context.Options.Seed, attempts)
            : null;
        var check = run is null ? null : AmortizedCheck.Of(posterior, run.Result);
        // The check sees the answer itself, so where it ran it decides, inside the training range or not; the range
        // verdict decides only when the check is turned off.
        bool flagged = checking ? check is not { Clears: true } : !context.InRange;
        var search = new ProposalSearch.Outcome(run, run is null ? [] : attempts, null, clock.Elapsed);
        return Outcome(context, InferenceMethod.Amortized, InferenceReasons.Amortized(context, check, checking, flagged), search, null, check, flagged);
    }

    private static InferenceOutcome Corrected(InferenceContext context)
    {
        var search = ProposalSearch.Run(context);
        if (search.Chosen is null)
        {
            throw new InvalidOperationException($"Corrected mode: importance sampling failed with every proposal: {search.Failure}");
        }
        return Outcome(context, InferenceMethod.ImportanceSampling, InferenceReasons.Corrected(context, search), search, null);
    }

    /// <summary>The tiers: AFIN as is, else the accepted importance-sampling answer of the best proposal, else NUTS.</summary>
    private static InferenceOutcome Auto(InferenceContext context)
    {
        var search = ProposalSearch.Run(context);
        if (search.Chosen is { } chosen)
        {
            if (chosen.Proposal == ImportanceProposal.Afin && PassesAmortizedBar(context, chosen))
            {
                return Outcome(context, InferenceMethod.Amortized, InferenceReasons.AutoAmortized(context, chosen.Result), search, null);
            }
            if (chosen.IsAccepted(context.Options))
            {
                return Outcome(context, InferenceMethod.ImportanceSampling, InferenceReasons.AutoCorrected(context, search), search, null);
            }
        }
        var run = NutsFallback.Sample(context, search);
        return Outcome(context, InferenceMethod.Nuts, InferenceReasons.AutoNuts(context, search, run), search, run);
    }

    private static bool PassesAmortizedBar(InferenceContext context, ProposalRun run) =>
        run.Result.ParetoK < context.Options.AmortizedMaxParetoK
        && run.Result.EffectiveSampleSizeRatio >= context.Options.AmortizedMinEssRatio
        && MeanShift(context, run.Result) <= context.Options.AmortizedMaxMeanShift
        && run.IsAccepted(context.Options)
        && (context.InRange || !context.Options.RequireCorrectionOutOfRange);

    /// <summary>The largest |corrected mean - AFIN mean| over the coordinates, in Monte Carlo standard errors.</summary>
    internal static double MeanShift(InferenceContext context, ImportanceSamplingResult result)
    {
        double largest = 0;
        for (int i = 0; i < result.Mean.Length; i++)
        {
            largest = Math.Max(largest, Math.Abs(result.Mean[i] - context.Posterior!.Mean[i]) / result.MonteCarloStandardError[i]);
        }
        return largest;
    }

    /// <summary>The outcome of <paramref name="method"/>: its mean and covariance, with every diagnostic gathered so far.</summary>
    private static InferenceOutcome Outcome(InferenceContext context, InferenceMethod method, string reason,
        ProposalSearch.Outcome search, NutsFallback.Run? nuts, AmortizedCheck? check = null, bool flagged = false)
    {
        var weights = search.Chosen?.Result;
        var (mean, covariance) = method switch
        {
            InferenceMethod.ImportanceSampling => (weights!.Mean, weights.Covariance),
            InferenceMethod.Nuts => (nuts!.Result.Mean.ToArray(), nuts.Result.GetCovariance()),
            _ => (context.Posterior!.Mean, context.Posterior.Covariance),
        };
        var timings = new InferenceTimings(context.AmortizedTime, search.Elapsed, nuts?.Elapsed ?? TimeSpan.Zero, context.RangeCheckTime);
        return new InferenceOutcome(context.Mode, method, reason, mean, covariance, context.Posterior, weights, nuts?.Result, search.Laplace,
            context.OutOfRangeReasons, timings, null, search.Chosen?.Proposal, search.Trials, check) { Flagged = flagged };
    }
}
