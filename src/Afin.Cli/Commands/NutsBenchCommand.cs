using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Afin.References;
using Afin.Training;

namespace Afin.Cli.Commands;

/// <summary>
/// <c>afin bench nuts</c>: NUTS's in-process time per problem and gradient evaluations per second on
/// seeded logistic regressions, d = 4, 8, 16 and N = 64, 256.
/// </summary>
internal static class NutsBenchCommand
{
    internal static Command Create(CommandIO io)
    {
        var problems = new Option<int>("--problems") { Description = "Problems per (d, N) bucket.", DefaultValueFactory = _ => 5 };
        var dims = new Option<int[]>("--d") { Description = "Dimensions.", DefaultValueFactory = _ => [4, 8, 16], AllowMultipleArgumentsPerToken = true };
        var sites = new Option<int[]>("--n") { Description = "Numbers of observations.", DefaultValueFactory = _ => [64, 256], AllowMultipleArgumentsPerToken = true };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the results as JSON to this file." };
        var command = new Command("nuts", "NUTS time per problem and gradient evaluations per second on logistic regressions (4 chains x 1000 warm-up + 1000 draws).")
        {
            problems, dims, sites, json,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            int count = parse.GetValue(problems);
            if (count < 1)
            {
                throw new InvalidInputException("--problems: expected a positive integer");
            }
            var rows = new List<NutsBenchRow>();
            io.Output.WriteLine($"NUTS on logistic regressions, N(0,1) prior, 4 chains x (1000 warm-up + 1000 draws), {count} problems per bucket; {BenchEnvironment.Describe()}");
            io.Output.WriteLine();
            io.Output.WriteLine("| d | N | median ms / problem | gradient evals / problem (median) | gradient evals / s in NUTS (median, all chains) | single-thread gradient evals / s | max r_hat | min ess_bulk | divergences |");
            io.Output.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
            WarmUp(cancellationToken);
            foreach (int d in parse.GetValue(dims)!)
            {
                foreach (int n in parse.GetValue(sites)!)
                {
                    var row = RunBucket(d, n, count, cancellationToken);
                    rows.Add(row);
                    io.Output.WriteLine($"| {d} | {n} | {row.MedianMilliseconds:F1} | {row.MedianGradientEvaluations:F0} | {row.MedianGradientsPerSecond:N0} | {row.SingleThreadGradientsPerSecond:N0} | {row.MaxRHat:F3} | {row.MinEssBulk:F0} | {row.Divergences} |");
                }
            }
            if (parse.GetValue(json) is { } file)
            {
                File.WriteAllText(file.FullName, JsonSerializer.Serialize(new { environment = BenchEnvironment.Describe(), rows }, new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
            }
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static NutsBenchRow RunBucket(int d, int n, int count, CancellationToken cancellationToken)
    {
        var distribution = new TaskDistribution
        {
            MinDimension = d, MaxDimension = d, MinSites = n, MaxSites = n,
            PriorFamilies = ["gaussian"], LikelihoodFamilies = ["bernoulli_logit"],
        };
        var sampler = new TaskSampler(distribution, 1000 * d + n);
        var times = new List<double>();
        var gradients = new List<double>();
        var rates = new List<double>();
        double maxRHat = 0, minEss = double.MaxValue;
        int divergences = 0;
        for (int i = 0; i < count; i++)
        {
            var problem = sampler.SampleTask(d, n).Problem;
            var clock = Stopwatch.StartNew();
            var result = NutsSampler.Sample(problem.LogDensity(), new NutsOptions { Seed = i }, cancellationToken: cancellationToken);
            double ms = clock.Elapsed.TotalMilliseconds;
            times.Add(ms);
            gradients.Add(result.GradientEvaluations);
            rates.Add(result.GradientEvaluations / (ms / 1000));
            maxRHat = Math.Max(maxRHat, result.RHat.Max());
            minEss = Math.Min(minEss, result.BulkEss.Min());
            divergences += result.Divergences;
        }
        return new NutsBenchRow(d, n, Median(times), Median(gradients), Median(rates), GradientRate(sampler.SampleTask(d, n).Problem), maxRHat, minEss, divergences);
    }

    /// <summary>Runs a short NUTS once so that JIT compilation is not charged to the first bucket.</summary>
    private static void WarmUp(CancellationToken cancellationToken)
    {
        var problem = new TaskSampler(new TaskDistribution { PriorFamilies = ["gaussian"], LikelihoodFamilies = ["bernoulli_logit"] }, 1).SampleTask(4, 32).Problem;
        NutsSampler.Sample(problem.LogDensity(), new NutsOptions { Draws = 300, Warmup = 300 }, cancellationToken: cancellationToken);
    }

    /// <summary>Gradient evaluations per second on one thread, the cost NUTS pays per leapfrog step.</summary>
    private static double GradientRate(Modelling.BayesianProblem problem)
    {
        var density = problem.LogDensity();
        var z = new double[problem.Dimension];
        var gradient = new double[problem.Dimension];
        long count = 0;
        var clock = Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < 300)
        {
            for (int i = 0; i < 1000; i++)
            {
                z[i % z.Length] += 1e-9;
                density.Evaluate(z, gradient);
            }
            count += 1000;
        }
        return count / clock.Elapsed.TotalSeconds;
    }

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        int m = sorted.Length;
        return m % 2 == 1 ? sorted[m / 2] : 0.5 * (sorted[m / 2 - 1] + sorted[m / 2]);
    }

    private sealed record NutsBenchRow(int D, int N, double MedianMilliseconds, double MedianGradientEvaluations, double MedianGradientsPerSecond, double SingleThreadGradientsPerSecond, double MaxRHat, double MinEssBulk, int Divergences);
}
