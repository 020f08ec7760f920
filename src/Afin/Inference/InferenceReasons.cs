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
    internal static string Amortized(InferenceContext context) =>
        "Amortized mode: the AFIN posterior is returned unchecked (no importance weights were computed)" + Range(context, isUnchecked: true);

    /// <summary>Laplace mode: what was returned, then the search's own sentence, as a warning when Newton did not converge.</summary>
    internal static string Laplace(LaplacePosterior laplace) =>
        "Laplace mode: the Laplace approximation (a Gaussian at the posterior mode with the inverse curvature there as its covariance) " +
        $"is returned unchecked, without the network; {(laplace.Converged ? "" : "warning: ")}{laplace.Message}";

    internal static string Corrected(InferenceContext context, ImportanceSamplingResult result)
    {
        var options = context.Options;
        double bar = KBar(options, result);
        var warnings = new List<string>();
        if (!(result.ParetoK <= bar))
        {
            warnings.Add($"k-hat exceeds {F2(bar)}, so the weighted estimates are unreliable");
        }
        if (!(result.EffectiveSampleSize >= options.CorrectedMinEss))
        {
            warnings.Add($"the ESS is below {F0(options.CorrectedMinEss)}, so the weighted estimates are noisy");
        }
        string warning = warnings.Count == 0 ? "" : $"; warning: {string.Join(" and ", warnings)} (Auto mode would run NUTS)";
        return $"Corrected mode: the AFIN posterior was corrected by Pareto-smoothed importance sampling ({Weights(result)}){warning}" + Range(context);
    }

    internal static string AutoAmortized(InferenceContext context, ImportanceSamplingResult result) =>
        $"Auto: the AFIN posterior is returned as is, since its importance weights pass the bar " +
        $"(k-hat {F2(result.ParetoK)} < {F2(context.Options.AmortizedMaxParetoK)}, ESS ratio {F2(result.EffectiveSampleSizeRatio)} >= {F2(context.Options.AmortizedMinEssRatio)} over {result.DrawCount} draws, " +
        $"and the correction moves the mean by only {F2(InferencePolicy.MeanShift(context, result))} Monte Carlo standard errors)" +
        Range(context);

    internal static string AutoCorrected(InferenceContext context, ImportanceSamplingResult result)
    {
        var options = context.Options;
        return $"Auto: the SNIS-corrected posterior is returned, since the AFIN posterior alone is not trusted ({string.Join(" and ", Distrust(context, result))}) " +
            $"but the weights are reliable ({Weights(result)}; k-hat <= {F2(KBar(options, result))} and ESS >= {F0(options.CorrectedMinEss)})" +
            Range(context);
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

    internal static string AutoNuts(InferenceContext context, ImportanceCheck check, NutsFallback.Run run)
    {
        var summary = NutsSummary.From(run.Result);
        string start = (run.StartedAtAfinMean, run.AfinMetric) switch
        {
            (true, true) => "started at the AFIN mean with the AFIN variances as its inverse metric",
            (true, false) => "started at the AFIN mean with a unit metric (the AFIN variances are unusable)",
            (false, true) => "started at random (the posterior is not finite at the AFIN mean) with the AFIN variances as its inverse metric",
            _ => "started at random with a unit metric (the AFIN mean and variances are unusable)",
        };
        string warning = summary.Converged ? "" :
            $"; warning: the NUTS diagnostics miss their targets (R-hat <= {NutsSummary.RHatThreshold.ToString(CultureInfo.InvariantCulture)}, " +
            $"bulk ESS >= {F0(NutsSummary.EssPerChainThreshold)} per chain, no divergences), so treat the answer with care";
        return $"Auto: NUTS ({summary.Chains} chains x {summary.DrawsPerChain} draws) is returned, since importance sampling cannot repair the AFIN posterior " +
            $"({CheckFailure(context, check)}); NUTS {start} and reports max R-hat {F3(summary.MaxRHat)}, min bulk ESS {F0(summary.MinBulkEss)}, {summary.Divergences} divergences" +
            warning + Range(context);
    }

    private static string CheckFailure(InferenceContext context, ImportanceCheck check)
    {
        if (check.Result is not { } result)
        {
            return $"no draw had a finite weight: {check.Failure?.TrimEnd('.')}";
        }
        var options = context.Options;
        return $"{Weights(result)}; needed k-hat <= {F2(KBar(options, result))} and ESS >= {F0(options.CorrectedMinEss)}";
    }

    private static string Weights(ImportanceSamplingResult result) =>
        $"k-hat {F2(result.ParetoK)}, ESS {F0(result.EffectiveSampleSize)} = {F2(result.EffectiveSampleSizeRatio)} of {result.DrawCount} draws";

    /// <summary>The k-hat bar for a reliable correction: the option, lowered to the PSIS sample-size threshold for few draws.</summary>
    internal static double KBar(AutoInferenceOptions options, ImportanceSamplingResult result) =>
        Math.Min(options.CorrectedMaxParetoK, result.ParetoKThreshold);

    private static string Range(InferenceContext context, bool isUnchecked = false)
    {
        if (context.InRange)
        {
            return ".";
        }
        string advice = isUnchecked ? ", so it may be inaccurate; Auto mode would check it" : "";
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
