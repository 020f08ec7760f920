using System.Diagnostics;
using Afin.Metrics;
using Afin.Modelling;
using Afin.Network;
using Afin.Persistence;
using Afin.References;
using Afin.Training;

namespace Afin.Cli.Commands;

/// <summary>How many problems a bucket holds, how large the throughput batch is, and whether out-of-range buckets run.</summary>
internal sealed record AfinBenchSettings(int Problems, int Batch, bool AllBuckets);

/// <summary>One benchmark row: a model's accuracy and speed on one (family, d, N) bucket, beside NUTS on the same problems.</summary>
internal sealed record AfinBenchRow(string Model, string Family, int D, int N, double AfinSme, double AfinKlPerDimension, double NutsSme, double W2Ratio,
    double AfinLatencyMs, double NutsMs, double BatchedProblemsPerSecond, double ForwardGigaflops);

/// <summary>
/// One (family, d, N) bucket of <c>afin bench afin</c>: seeded problems, one NUTS run and one reference per problem
/// (exact for conjugate problems, a long NUTS run otherwise), then every model scored on the same problems.
/// </summary>
internal sealed class AfinBenchBucket(string name, string likelihood, int d, int n)
{
    /// <summary>A few forward passes so that the first bucket does not pay JIT and first-touch costs.</summary>
    internal static void Warm(AfinModel afin)
    {
        var problem = new TaskSampler(new TaskDistribution { PriorFamilies = ["gaussian"] }, 5).SampleTask(afin.Tasks.MinDimension, Math.Max(1, afin.Tasks.MinSites)).Problem;
        for (int i = 0; i < 3; i++)
        {
            afin.Infer(problem);
        }
    }

    /// <summary>Runs the references once and scores each model of <paramref name="models"/> against them.</summary>
    internal IEnumerable<AfinBenchRow> Run(IReadOnlyList<(string Name, AfinModel Model)> models, AfinBenchSettings settings, CancellationToken cancellationToken)
    {
        var problems = Problems(likelihood, d, n, settings.Problems);
        var references = problems.Select((p, i) => Reference(p, i, cancellationToken)).ToArray();
        foreach (var (modelName, model) in models)
        {
            yield return Score(modelName, model, problems, references, settings.Batch);
        }
    }

    /// <summary>The bucket's seeded problems (N(0, 1)-scale Gaussian priors): the same for every benchmark command and run.</summary>
    internal static BayesianProblem[] Problems(string likelihood, int d, int n, int count)
    {
        var distribution = new TaskDistribution
        {
            MinDimension = d, MaxDimension = d, MinSites = n, MaxSites = n, PriorFamilies = ["gaussian"], LikelihoodFamilies = [likelihood],
        };
        var sampler = new TaskSampler(distribution, 7919 * d + 31 * n + likelihood.Length);
        return Enumerable.Range(0, count).Select(_ => sampler.SampleTask(d, n).Problem).ToArray();
    }

    /// <summary>The NUTS run the AFIN is timed against, and the reference both are scored against.</summary>
    private static ProblemReference Reference(BayesianProblem problem, int index, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var nuts = NutsSampler.Sample(problem.LogDensity(), new NutsOptions { Seed = index }, cancellationToken: cancellationToken);
        double nutsMs = clock.Elapsed.TotalMilliseconds;
        if (problem.IsConjugate)
        {
            var exact = ExactPosterior.Compute(problem);
            double nutsSme = StandardisedMeanError.Mean(nuts.Mean.ToArray(), exact.Mean, exact.StdDev);
            return new ProblemReference(nutsMs, exact.Mean, exact.StdDev, exact.Covariance, null, nutsSme, double.NaN);
        }
        // Reference: a long NUTS run; baseline: the W2 of an ordinary, independent NUTS run to it.
        var reference = NutsSampler.Sample(problem.LogDensity(), new NutsOptions { Seed = 1000 + index, Draws = 5000 }, cancellationToken: cancellationToken);
        var draws = reference.GetPooledDraws();
        double baseline = SlicedWasserstein.Distance(nuts.GetPooledDraws(), draws);
        return new ProblemReference(nutsMs, reference.Mean.ToArray(), reference.Variance.Select(Math.Sqrt).ToArray(), null, draws, double.NaN, baseline);
    }

    private AfinBenchRow Score(string modelName, AfinModel afin, BayesianProblem[] problems, ProblemReference[] references, int batch)
    {
        var sme = new List<double>();
        var kl = new List<double>();
        var w2Ratio = new List<double>();
        var latency = new List<double>();
        for (int i = 0; i < problems.Length; i++)
        {
            var problem = problems[i];
            var reference = references[i];
            latency.Add(MedianOf(3, () => afin.Infer(problem)));
            var posterior = afin.Infer(problem);
            sme.Add(StandardisedMeanError.Mean(posterior.Mean, reference.Mean, reference.StdDev));
            if (reference.Covariance is { } covariance)
            {
                kl.Add(GaussianKl.DivergencePerDimension(reference.Mean, covariance, posterior.Mean, posterior.Covariance));
            }
            else
            {
                w2Ratio.Add(SlicedWasserstein.Distance(posterior.Sample(4000, i), reference.Draws!) / reference.BaselineW2);
            }
        }
        var batchProblems = Enumerable.Range(0, batch).Select(j => problems[j % problems.Length]).ToArray();
        afin.Infer(batchProblems);
        double batchMs = MedianOf(3, () => afin.Infer(batchProblems));
        double latencyMs = Median(latency);
        double gigaflops = 2.0 * NetworkCost.MultiplyAdds(afin.Options, d, n) / (latencyMs * 1e-3) / 1e9;
        return new AfinBenchRow(modelName, name, d, n, Median(sme), Median(kl), Median(references.Select(r => r.NutsSme).Where(double.IsFinite).ToList()),
            Median(w2Ratio), latencyMs, Median(references.Select(r => r.NutsMs).ToList()), batch / (batchMs / 1000), gigaflops);
    }

    private static double MedianOf(int repeats, Action action)
    {
        var times = new List<double>();
        for (int r = 0; r < repeats; r++)
        {
            var clock = Stopwatch.StartNew();
            action();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        return Median(times);
    }

    private static double Median(List<double> values) => values.Count == 0 ? double.NaN : NutsBenchCommand.Median(values);

    /// <summary>What a problem's AFIN posterior is scored against: exact moments (conjugate) or long-run NUTS draws.</summary>
    private sealed record ProblemReference(double NutsMs, double[] Mean, double[] StdDev, double[,]? Covariance, double[,]? Draws, double NutsSme, double BaselineW2);
}
