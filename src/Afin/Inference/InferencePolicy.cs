using Afin.Correction;

namespace Afin.Inference;

/// <summary>
/// What each network-based <see cref="InferenceMode"/> does once the AFIN posterior is at hand;
/// <see cref="InferenceMode.Laplace"/> never gets here, as <see cref="LaplaceInference"/> answers it without the network.
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

    private static InferenceOutcome Amortized(InferenceContext context) =>
        Outcome(context, InferenceMethod.Amortized, InferenceReasons.Amortized(context), null, null, TimeSpan.Zero, TimeSpan.Zero);

    private static InferenceOutcome Corrected(InferenceContext context)
    {
        var check = ImportanceCheck.Run(context);
        var result = check.Result
            ?? throw new InvalidOperationException($"Corrected mode: importance sampling of the AFIN posterior failed: {check.Failure}");
        return Outcome(context, InferenceMethod.ImportanceSampling, InferenceReasons.Corrected(context, result), result, null, check.Elapsed, TimeSpan.Zero);
    }

    /// <summary>The tiers: AFIN as is, else the SNIS correction, else NUTS started from AFIN.</summary>
    private static InferenceOutcome Auto(InferenceContext context)
    {
        var check = ImportanceCheck.Run(context);
        if (check.Result is { } result)
        {
            if (PassesAmortizedBar(context, result))
            {
                return Outcome(context, InferenceMethod.Amortized, InferenceReasons.AutoAmortized(context, result), result, null, check.Elapsed, TimeSpan.Zero);
            }
            if (PassesCorrectedBar(context.Options, result))
            {
                return Outcome(context, InferenceMethod.ImportanceSampling, InferenceReasons.AutoCorrected(context, result), result, null, check.Elapsed, TimeSpan.Zero);
            }
        }
        var run = NutsFallback.Sample(context);
        return Outcome(context, InferenceMethod.Nuts, InferenceReasons.AutoNuts(context, check, run), check.Result, run, check.Elapsed, run.Elapsed);
    }

    private static bool PassesAmortizedBar(InferenceContext context, ImportanceSamplingResult result) =>
        result.ParetoK < context.Options.AmortizedMaxParetoK
        && result.EffectiveSampleSizeRatio >= context.Options.AmortizedMinEssRatio
        && MeanShift(context, result) <= context.Options.AmortizedMaxMeanShift
        && PassesCorrectedBar(context.Options, result)
        && (context.InRange || !context.Options.RequireCorrectionOutOfRange);

    /// <summary>The largest |corrected mean - AFIN mean| over the coordinates, in Monte Carlo standard errors sd / √ESS.</summary>
    internal static double MeanShift(InferenceContext context, ImportanceSamplingResult result)
    {
        double ess = Math.Max(result.EffectiveSampleSize, 1);
        double largest = 0;
        for (int i = 0; i < result.Mean.Length; i++)
        {
            double standardError = Math.Sqrt(result.Covariance[i, i] / ess);
            largest = Math.Max(largest, Math.Abs(result.Mean[i] - context.Posterior.Mean[i]) / standardError);
        }
        return largest;
    }

    private static bool PassesCorrectedBar(AutoInferenceOptions options, ImportanceSamplingResult result) =>
        result.ParetoK <= InferenceReasons.KBar(options, result) && result.EffectiveSampleSize >= options.CorrectedMinEss;

    /// <summary>The outcome of <paramref name="method"/>: its mean and covariance, with every diagnostic gathered so far.</summary>
    private static InferenceOutcome Outcome(InferenceContext context, InferenceMethod method, string reason,
        ImportanceSamplingResult? weights, NutsFallback.Run? nuts, TimeSpan checkTime, TimeSpan nutsTime)
    {
        var (mean, covariance) = method switch
        {
            InferenceMethod.ImportanceSampling => (weights!.Mean, weights.Covariance),
            InferenceMethod.Nuts => (nuts!.Result.Mean.ToArray(), nuts.Result.GetCovariance()),
            _ => (context.Posterior.Mean, context.Posterior.Covariance),
        };
        var timings = new InferenceTimings(context.AmortizedTime, checkTime, nutsTime);
        return new InferenceOutcome(context.Mode, method, reason, mean, covariance, context.Posterior, weights, nuts?.Result, null,
            context.OutOfRangeReasons, timings);
    }
}
