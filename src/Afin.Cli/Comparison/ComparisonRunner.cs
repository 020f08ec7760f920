using System.Diagnostics;
using Afin.Cli.Commands;
using Afin.Correction;
using Afin.Inference;
using Afin.Modelling;
using Afin.Network;
using Afin.Persistence;
using Afin.References;

namespace Afin.Cli.Comparison;

/// <summary>Runs every method of <c>afin compare</c> on one problem: exact (when conjugate), NUTS, AFIN, AFIN+SNIS and Auto.</summary>
internal static class ComparisonRunner
{
    /// <summary>The methods in table order: the references first, then AFIN, its correction and the Auto policy.</summary>
    internal static IReadOnlyList<MethodResult> Run(BayesianProblem problem, AfinModel model, ComparisonSettings settings, TextWriter log, CancellationToken cancellationToken)
    {
        var methods = new List<MethodResult>();
        if (problem.IsConjugate)
        {
            methods.Add(Exact(problem, settings));
        }
        methods.Add(Nuts(problem, settings, log, cancellationToken));
        var posterior = Infer(model, problem, out double forwardMilliseconds);
        methods.Add(Afin(posterior, forwardMilliseconds, settings));
        methods.Add(Snis(problem, posterior, forwardMilliseconds, settings));
        methods.Add(Auto(problem, model, settings, cancellationToken));
        return methods;
    }

    private static MethodResult Exact(BayesianProblem problem, ComparisonSettings settings)
    {
        var clock = Stopwatch.StartNew();
        var exact = ExactPosterior.Compute(problem);
        double elapsed = clock.Elapsed.TotalMilliseconds;
        // The exact posterior needs no draws; these exist only for the sample-based metric (sliced W2).
        var draws = GaussianDraws.Sample(exact.Mean, exact.Covariance, settings.Draws, settings.Seed);
        return new MethodResult(ComparisonMethodKind.Exact, "exact", exact.Mean, exact.Covariance, draws, IsGaussian: true, elapsed);
    }

    private static MethodResult Nuts(BayesianProblem problem, ComparisonSettings settings, TextWriter log, CancellationToken cancellationToken)
    {
        var options = settings.Nuts with { Seed = settings.Seed };
        // Warm-up: a short run compiles the sampler, so that NUTS is timed as warm as the methods after it.
        NutsSampler.Sample(problem.LogDensity(), options with { Chains = 1, Warmup = 50, Draws = 50 }, progress: null, cancellationToken);
        var result = NutsSampler.Sample(problem.LogDensity(), options, progress: null, cancellationToken);
        log.WriteLine($"nuts: {result.Chains} chains x {result.DrawsPerChain} draws ({options.Warmup} warm-up) in {result.Elapsed.TotalMilliseconds:F0} ms, " +
            $"max r_hat {result.RHat.Max():F3}, min ess_bulk {result.BulkEss.Min():F0}, divergences {result.Divergences}");
        return new MethodResult(ComparisonMethodKind.Nuts, $"NUTS ({result.Chains}x{result.DrawsPerChain})", result.Mean.ToArray(), result.GetCovariance(),
            result.GetPooledDraws(), IsGaussian: false, result.Elapsed.TotalMilliseconds, EffectiveSampleSize: result.BulkEss.Min());
    }

    private static AfinPosterior Infer(AfinModel model, BayesianProblem problem, out double milliseconds)
    {
        model.Infer(problem); // warm-up: the first forward pass pays one-off initialisation
        var clock = Stopwatch.StartNew();
        var posterior = model.Infer(problem);
        milliseconds = clock.Elapsed.TotalMilliseconds;
        return posterior;
    }

    private static MethodResult Afin(AfinPosterior posterior, double forwardMilliseconds, ComparisonSettings settings)
    {
        bool gaussian = posterior.Family == PosteriorFamily.Gaussian;
        return new MethodResult(ComparisonMethodKind.Afin, gaussian ? "AFIN" : "AFIN (flow)", posterior.Mean, posterior.Covariance,
            posterior.Sample(settings.Draws, settings.Seed), gaussian, forwardMilliseconds);
    }

    /// <summary>
    /// The Auto policy as <c>afin infer</c> runs it (exact, AFIN, importance sampling from the best proposal, or NUTS), timed
    /// on its second run so that, like the other methods, it is timed warm; the label names the path it took.
    /// </summary>
    private static MethodResult Auto(BayesianProblem problem, AfinModel model, ComparisonSettings settings, CancellationToken cancellationToken)
    {
        var options = new AutoInferenceOptions { Seed = settings.Seed, Nuts = settings.Nuts };
        AfinInference.Run(model, problem, InferenceMode.Auto, options, cancellationToken);
        var clock = Stopwatch.StartNew();
        var outcome = AfinInference.Run(model, problem, InferenceMode.Auto, options, cancellationToken);
        double elapsed = clock.Elapsed.TotalMilliseconds;
        return new MethodResult(ComparisonMethodKind.Auto, $"Auto ({InferenceReport.InferenceMethodName(outcome.Method)})", outcome.Mean, outcome.Covariance,
            outcome.Sample(settings.Draws, settings.Seed), IsGaussian: false, elapsed,
            outcome.Method == InferenceMethod.ImportanceSampling ? outcome.ParetoK : null,
            outcome.Method switch
            {
                InferenceMethod.ImportanceSampling => outcome.EffectiveSampleSize,
                InferenceMethod.Nuts => outcome.NutsSummary!.MinBulkEss,
                _ => null,
            });
    }

    /// <summary>The corrected posterior; its time includes the forward pass that made the proposal.</summary>
    private static MethodResult Snis(BayesianProblem problem, AfinPosterior posterior, double forwardMilliseconds, ComparisonSettings settings)
    {
        var clock = Stopwatch.StartNew();
        var result = ImportanceSampler.Run(posterior, problem.LogDensity(), settings.Draws, settings.Seed);
        var resampled = result.Resample(settings.Draws, settings.Seed);
        double elapsed = forwardMilliseconds + clock.Elapsed.TotalMilliseconds;
        return new MethodResult(ComparisonMethodKind.AfinSnis, "AFIN+SNIS", result.Mean, result.Covariance, resampled, IsGaussian: false, elapsed,
            result.ParetoK, result.EffectiveSampleSize);
    }
}
