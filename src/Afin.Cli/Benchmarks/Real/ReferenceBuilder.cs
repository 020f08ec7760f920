using System.Diagnostics;
using Afin.Correction;
using Afin.References;

namespace Afin.Cli.Benchmarks.Real;

/// <summary>
/// Computes one problem's reference posterior: the exact posterior of a conjugate problem, otherwise a long NUTS run
/// (repeated with doubled length while R-hat or ESS miss their bars) cross-checked by Pareto-smoothed importance
/// sampling from a multivariate Student-t fitted to the NUTS mean and covariance.
/// </summary>
internal sealed class ReferenceBuilder(ReferenceSettings settings)
{
    /// <summary>The reference of <paramref name="problem"/>; <paramref name="progress"/> hears NUTS's progress.</summary>
    internal ProblemReference Compute(SuiteProblem problem, IProgress<NutsProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var spec = problem.Problem;
        if (spec.IsConjugate)
        {
            var exact = ExactPosterior.Compute(spec);
            return Reference(problem, "exact", exact.Mean, exact.Covariance, clock);
        }
        var (nuts, check) = RunNuts(problem, progress, cancellationToken);
        var mean = nuts.Mean.ToArray();
        var covariance = nuts.GetCovariance();
        var importance = CrossCheck(problem, mean, covariance, cancellationToken);
        return Reference(problem, "nuts", mean, covariance, clock) with { Nuts = check, ImportanceSampling = importance, Seconds = clock.Elapsed.TotalSeconds };
    }

    private static ProblemReference Reference(SuiteProblem problem, string method, double[] mean, double[,] covariance, Stopwatch clock) => new()
    {
        Name = problem.Name,
        Hash = problem.Hash,
        D = problem.Problem.Dimension,
        N = problem.Problem.ObservationCount,
        Method = method,
        Mean = mean,
        Covariance = Enumerable.Range(0, mean.Length).Select(i => Enumerable.Range(0, mean.Length).Select(j => covariance[i, j]).ToArray()).ToArray(),
        Seconds = clock.Elapsed.TotalSeconds,
    };

    /// <summary>NUTS with the settings' length, doubled (warm-up and draws) up to <see cref="ReferenceSettings.Retries"/> times until it converges.</summary>
    private (NutsResult Result, NutsCheck Check) RunNuts(SuiteProblem problem, IProgress<NutsProgress>? progress, CancellationToken cancellationToken)
    {
        var options = new NutsOptions
        {
            Chains = settings.Chains, Warmup = settings.Warmup, Draws = settings.Draws, Seed = settings.Seed, MaxParallelChains = settings.Threads,
        };
        for (int attempt = 1; ; attempt++)
        {
            var result = NutsSampler.Sample(problem.Problem.LogDensity(), options, progress, cancellationToken);
            double rHat = result.RHat.Max(), ess = result.BulkEss.Min();
            bool converged = rHat < ReferenceSettings.MaxRHat && ess >= ReferenceSettings.MinEss;
            if (converged || attempt > ReferenceSettings.Retries)
            {
                return (result, new NutsCheck(options.Chains, options.Warmup, options.Draws, attempt, rHat, ess, result.Divergences, converged));
            }
            options = options with { Warmup = 2 * options.Warmup, Draws = 2 * options.Draws, Seed = options.Seed + 1 };
        }
    }

    /// <summary>SNIS from a Student-t with the NUTS moments; the log posterior is evaluated on the settings' threads.</summary>
    private ImportanceCheck CrossCheck(SuiteProblem problem, double[] mean, double[,] covariance, CancellationToken cancellationToken)
    {
        var proposal = MultivariateStudentT.FromCovariance(mean, covariance, settings.ProposalDf);
        var draws = proposal.Sample(settings.ImportanceDraws, settings.Seed);
        var logProposal = proposal.LogDensity(draws);
        var logTarget = LogPosterior(problem, draws, cancellationToken);
        var weighted = ImportanceSampler.Reweight(draws, logTarget, logProposal);
        double meanGap = 0, sdGap = 0;
        for (int i = 0; i < mean.Length; i++)
        {
            double sd = Math.Sqrt(covariance[i, i]);
            meanGap = Math.Max(meanGap, Math.Abs(weighted.Mean[i] - mean[i]) / sd);
            sdGap = Math.Max(sdGap, Math.Abs(Math.Sqrt(weighted.Covariance[i, i]) / sd - 1));
        }
        return new ImportanceCheck(settings.ImportanceDraws, settings.ProposalDf, weighted.ParetoK, weighted.EffectiveSampleSize, meanGap, sdGap);
    }

    private double[] LogPosterior(SuiteProblem problem, double[,] draws, CancellationToken cancellationToken)
    {
        int count = draws.GetLength(0), d = draws.GetLength(1);
        var logTarget = new double[count];
        int chunk = (count + settings.Threads - 1) / settings.Threads;
        Parallel.For(0, settings.Threads, new ParallelOptions { MaxDegreeOfParallelism = settings.Threads, CancellationToken = cancellationToken }, t =>
        {
            var density = problem.Problem.LogDensity();
            var z = new double[d];
            for (int n = t * chunk; n < Math.Min(count, (t + 1) * chunk); n++)
            {
                for (int j = 0; j < d; j++)
                {
                    z[j] = draws[n, j];
                }
                logTarget[n] = density.Evaluate(z);
            }
        });
        return logTarget;
    }
}
