using System.Globalization;
using Afin.Correction;
using Afin.Laplace;

namespace Afin.Inference;

/// <summary>
/// The one-sentence <see cref="InferenceOutcome.Reason"/> of each path: which method answered, the
/// numbers that decided it, any warning, and the training-range verdict.
/// </summary>
internal static class InferenceReasons
{
    internal static string Amortized(InferenceContext context, AmortizedCheck? check, bool checking, bool flagged)
    {
        string checkText = !checking ? " (the quick importance check is turned off)"
            : check is null ? "; flagged: no draw of a quick importance check had a finite weight, so the AFIN posterior misses the exact one entirely"
            : $"; a quick importance check of {check.Draws} draws gives k-hat {F2(check.ParetoK)} and estimates the mean's largest error at " +
              $"{F2(check.MeanError)} sd ({F2(check.MeanErrorLowerBound)}..{F2(check.MeanErrorUpperBound)} within twice its Monte Carlo error)" + Verdict(context, check);
        return "Amortized mode: the AFIN posterior is returned without correction" + checkText + Range(context, isUnchecked: true);
    }

    private static string Verdict(InferenceContext context, AmortizedCheck check) =>
        !(check.ParetoK <= AmortizedCheck.WarningParetoK)
            ? $"; flagged: k-hat above {F2(AmortizedCheck.WarningParetoK)}, the AFIN posterior is far from the exact one (Auto mode would repair or replace it)"
            : !check.Clears
                ? $"; flagged: the check cannot bound the error below {F2(AmortizedCheck.Clearance)} sd (Auto mode would correct it)"
                : context.InRange ? "" : "; not flagged: outside the training range, but the check bounds the error";

    /// <summary>Laplace mode: what was returned, then the search's own sentence, as a warning when Newton did not converge.</summary>
    internal static string Laplace(LaplacePosterior laplace) =>
        "Laplace mode: the Laplace approximation (a Gaussian at the posterior mode with the inverse curvature there as its covariance) " +
        $"is returned unchecked, without the network; {(laplace.Converged ? "" : "warning: ")}{laplace.Message}";

    /// <summary>An exact answer (Auto or Corrected mode): which mode asked, and why no network or sampling was needed.</summary>
    internal static string Exact(InferenceMode mode) =>
        $"{(mode == InferenceMode.Auto ? "Auto" : "Corrected mode")}: the problem is conjugate (Gaussian prior, Gaussian observations with known noise), so its exact posterior " +
        "is returned in closed form, without the network or sampling.";

    internal static string Corrected(InferenceContext context, ProposalSearch.Outcome search)
    {
        var options = context.Options;
        var chosen = search.Chosen!;
        var result = chosen.Result;
        var warnings = new List<string>();
        if (!(result.ParetoK <= KBar(options, result)))
        {
            warnings.Add($"k-hat exceeds {F2(KBar(options, result))}, so the weighted estimates are unreliable");
        }
        if (!(result.EffectiveSampleSize >= options.CorrectedMinEss))
        {
            warnings.Add($"the ESS is below {F0(options.CorrectedMinEss)}, so the weighted estimates are noisy");
        }
        if (!(result.MaxRelativeMonteCarloError <= options.MonteCarloBar(result.Dimension)))
        {
            warnings.Add($"the Monte Carlo error reaches {F3(result.MaxRelativeMonteCarloError)} posterior sd, above {F3(options.MonteCarloBar(result.Dimension))}");
        }
        string warning = warnings.Count == 0 ? "" : $"; warning: {string.Join(" and ", warnings)} (Auto mode would run NUTS)";
        return $"Corrected mode: Pareto-smoothed importance sampling from the {Proposal(chosen.Proposal)} ({Weights(result)}){Tried(search)}{warning}" +
            Range(context);
    }

    internal static string AutoAmortized(InferenceContext context, ImportanceSamplingResult result) =>
        $"Auto: the AFIN posterior is returned as is, since its importance weights pass the bar " +
        $"(k-hat {F2(result.ParetoK)} < {F2(context.Options.AmortizedMaxParetoK)}, ESS ratio {F2(result.EffectiveSampleSizeRatio)} >= {F2(context.Options.AmortizedMinEssRatio)} over {result.DrawCount} draws, " +
        $"and the correction moves the mean by only {F2(InferencePolicy.MeanShift(context, result))} Monte Carlo standard errors)" +
        Range(context);

    internal static string AutoCorrected(InferenceContext context, ProposalSearch.Outcome search)
    {
        var options = context.Options;
        var chosen = search.Chosen!;
        string distrust = context.Posterior is null ? ""
            : chosen.Proposal == ImportanceProposal.Afin ? $" (the AFIN posterior alone is not trusted: {string.Join(" and ", Distrust(context, chosen.Result))})"
            : "";
        return $"Auto: the importance-sampling answer from the {Proposal(chosen.Proposal)} is returned{distrust}, since its weights are reliable " +
            $"and plentiful ({Weights(chosen.Result)}; k-hat <= {F2(KBar(options, chosen.Result))}, ESS >= {F0(options.CorrectedMinEss)}, " +
            $"Monte Carlo error <= {F3(options.MonteCarloBar(chosen.Result.Dimension))} sd){Tried(search)}" + Range(context);
    }

    /// <summary>Which conditions for returning the AFIN posterior as is fail.</summary>
    private static IEnumerable<string> Distrust(InferenceContext context, ImportanceSamplingResult result)
    {
        var options = context.Options;
        if (!(result.ParetoK < options.AmortizedMaxParetoK))
        {
            yield return $"k-hat {F2(result.ParetoK)} >= {F2(options.AmortizedMaxParetoK)}";
        }
        if (!(result.EffectiveSampleSizeRatio >= options.AmortizedMinEssRatio))
        {
            yield return $"ESS ratio {F2(result.EffectiveSampleSizeRatio)} < {F2(options.AmortizedMinEssRatio)}";
        }
        double shift = InferencePolicy.MeanShift(context, result);
        if (!(shift <= options.AmortizedMaxMeanShift))
        {
            yield return $"the correction moves the mean by {F2(shift)} > {F2(options.AmortizedMaxMeanShift)} Monte Carlo standard errors";
        }
        if (!context.InRange && options.RequireCorrectionOutOfRange)
        {
            yield return "the problem lies outside the training range";
        }
    }

    internal static string AutoNuts(InferenceContext context, ProposalSearch.Outcome search, NutsFallback.Run run)
    {
        var summary = NutsSummary.From(run.Result);
        string start = run.Start is null
            ? "started at random with a unit metric (neither the AFIN posterior nor the Laplace approximation is available)"
            : run.Whitened
            ? $"ran in the coordinates whitened by the {run.Start} covariance (z = mean + L u, started at the {run.Start} mean)"
            : (run.StartedAtMean, run.SeededMetric) switch
            {
                (true, true) => $"started at the {run.Start} mean with the {run.Start} variances as its inverse metric",
                (true, false) => $"started at the {run.Start} mean with a unit metric (the {run.Start} variances are unusable)",
                (false, true) => $"started at random (the posterior is not finite at the {run.Start} mean) with the {run.Start} variances as its inverse metric",
                _ => $"started at random with a unit metric (the {run.Start} mean and variances are unusable)",
            };
        string warning = summary.Converged ? "" :
            $"; warning: the NUTS diagnostics miss their targets (R-hat <= {NutsSummary.RHatThreshold.ToString(CultureInfo.InvariantCulture)}, " +
            $"bulk ESS >= {F0(NutsSummary.EssPerChainThreshold)} per chain, no divergences), so treat the answer with care";
        return $"Auto: NUTS ({summary.Chains} chains x ({run.Result.Options.Warmup} warmup + {summary.DrawsPerChain} draws), drawn until every mean's " +
            $"Monte Carlo error was at most {F3(context.Options.MonteCarloBar(run.Result.Dimension))} sd or {context.Options.Nuts.Draws} draws) is returned, since importance sampling gave no accepted answer " +
            $"({SearchFailure(context, search)}); NUTS {start} and reports max R-hat {F3(summary.MaxRHat)}, min bulk ESS {F0(summary.MinBulkEss)}, {summary.Divergences} divergences" +
            warning + Range(context);
    }

    /// <summary>Why no importance answer was accepted: the best run's numbers against the bars, or every failure.</summary>
    private static string SearchFailure(InferenceContext context, ProposalSearch.Outcome search)
    {
        if (search.Chosen is not { } best)
        {
            return $"no proposal gave a finite weight: {search.Failure}";
        }
        var options = context.Options;
        return $"best proposal {Proposal(best.Proposal)}: {Weights(best.Result)}; needed k-hat <= {F2(KBar(options, best.Result))}, " +
            $"ESS >= {F0(options.CorrectedMinEss)} and Monte Carlo error <= {F3(options.MonteCarloBar(best.Result.Dimension))} sd within {F0(options.MaxProposalDraws)} draws" +
            Tried(search);
    }

    /// <summary>The other proposals tried, when more than one was.</summary>
    private static string Tried(ProposalSearch.Outcome search) =>
        search.Trials.Count <= 1 ? ""
            : "; tried " + string.Join(", ", search.Trials.Select(t => t.Failure is null
                ? $"{ProposalSearch.ProposalName(t.Proposal)} (k-hat {F2(t.ParetoK)}, ESS {F0(t.EffectiveSampleSize)} of {t.Draws}, MC error {F3(t.MaxRelativeMonteCarloError)} sd)"
                : $"{ProposalSearch.ProposalName(t.Proposal)} (failed)"));

    private static string Proposal(ImportanceProposal proposal) => proposal switch
    {
        ImportanceProposal.Afin => "AFIN posterior",
        ImportanceProposal.LaplaceStudentT => "Laplace-t proposal",
        _ => "defensive mixture of the AFIN posterior and the Laplace-t proposal",
    };

    private static string Weights(ImportanceSamplingResult result) =>
        $"k-hat {F2(result.ParetoK)}, ESS {F0(result.EffectiveSampleSize)} = {F2(result.EffectiveSampleSizeRatio)} of {result.DrawCount} draws, " +
        $"Monte Carlo error {F3(result.MaxRelativeMonteCarloError)} sd";

    /// <summary>The k-hat bar for a reliable correction: the option, lowered to the PSIS sample-size threshold for few draws.</summary>
    internal static double KBar(AutoInferenceOptions options, ImportanceSamplingResult result) =>
        Math.Min(options.CorrectedMaxParetoK, result.ParetoKThreshold);

    private static string Range(InferenceContext context, bool isUnchecked = false)
    {
        if (context.InRange)
        {
            return ".";
        }
        string advice = isUnchecked ? ", so it may be inaccurate; Auto mode would check it"
            : context.Posterior is null ? ", so far that the network was not run" : "";
        return $"; the problem lies outside the model's training range ({string.Join("; ", context.OutOfRangeReasons)}){advice}.";
    }

    private static string F0(double value) => Finite(value) ?? value.ToString("F0", CultureInfo.InvariantCulture);

    private static string F2(double value) => Finite(value) ?? value.ToString("F2", CultureInfo.InvariantCulture);

    private static string F3(double value) => Finite(value) ?? value.ToString("F3", CultureInfo.InvariantCulture);

    /// <summary>A short spelling of a non-finite value, or null for a finite one.</summary>
    private static string? Finite(double value) => value switch
    {
        double.PositiveInfinity => "+inf",
        double.NegativeInfinity => "-inf",
        double.NaN => "NaN",
        _ => null,
    };
}
