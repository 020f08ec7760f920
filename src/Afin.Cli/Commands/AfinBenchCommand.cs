using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Afin.Metrics;
using Afin.Modelling;
using Afin.Network;
using Afin.Persistence;
using Afin.References;
using Afin.Training;

namespace Afin.Cli.Commands;

/// <summary>
/// <c>afin bench afin</c>: accuracy and speed of the AFIN against exact and NUTS references on a
/// fixed, seeded suite of (d, N, family) buckets, every method measured in the same run so that
/// the AFIN/NUTS time ratio holds on a noisy machine.
/// </summary>
internal static class AfinBenchCommand
{
    private static readonly (int D, int N)[] Shapes = [(2, 16), (4, 16), (4, 64), (8, 16), (8, 64), (16, 64), (16, 256)];

    private static readonly (string Name, string Likelihood)[] Families =
        [("conjugate", "linear_gaussian"), ("logistic", "bernoulli_logit"), ("student_t", "linear_student_t")];

    internal static Command Create(CommandIO io)
    {
        var model = new Option<FileInfo?>("--model", "-m") { Description = "Model file; the shipped default model when omitted." };
        var problems = new Option<int>("--problems") { Description = "Problems per bucket.", DefaultValueFactory = _ => 6 };
        var batch = new Option<int>("--batch") { Description = "Problems per batched forward pass in the throughput test.", DefaultValueFactory = _ => 256 };
        var all = new Option<bool>("--all-buckets") { Description = "Also run buckets outside the model's training range." };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the results as JSON to this file." };
        var command = new Command("afin", "AFIN accuracy and speed against exact and NUTS references, per (d, N, family) bucket.")
        {
            model, problems, batch, all, json,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            using var afin = InferCommand.LoadModel(parse.GetValue(model));
            int count = Math.Max(1, parse.GetValue(problems));
            var rows = new List<AfinBenchRow>();
            double matmul = MachineRate.MatmulGigaflops();
            io.Output.WriteLine($"AFIN ({afin.Network.Options.Architecture} {afin.Network.Options.Family}, {afin.Network.ParameterCount:N0} parameters, trained d {afin.Tasks.MinDimension}..{afin.Tasks.MaxDimension}, N {afin.Tasks.MinSites}..{afin.Tasks.MaxSites}) " +
                $"vs NUTS (4 chains x 1000 + 1000) and exact; {count} problems per bucket; {BenchEnvironment.Describe()}; large fp32 matmul {matmul:F0} GFLOP/s");
            io.Output.WriteLine();
            io.Output.WriteLine("| family | d | N | AFIN SME (median) | AFIN KL/d vs exact (median) | NUTS SME vs exact (median) | W2 AFIN→ref / W2 NUTS→ref (median) | AFIN latency ms (median) | NUTS ms (median) | NUTS/AFIN time | batched problems/s | forward GFLOP/s |");
            io.Output.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
            Warm(afin);
            foreach (var (name, likelihood) in Families)
            {
                foreach (var (d, n) in Shapes)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (!parse.GetValue(all) && !afin.Tasks.Covers(d, n, "gaussian", [likelihood]))
                    {
                        continue;
                    }
                    var row = RunBucket(afin, name, likelihood, d, n, count, parse.GetValue(batch), cancellationToken);
                    rows.Add(row);
                    io.Output.WriteLine($"| {name} | {d} | {n} | {Format(row.AfinSme)} | {Format(row.AfinKlPerDimension)} | {Format(row.NutsSme)} | {Format(row.W2Ratio)} | " +
                        $"{row.AfinLatencyMs:F2} | {row.NutsMs:F0} | {row.NutsMs / row.AfinLatencyMs:F1}x | {row.BatchedProblemsPerSecond:F0} | {row.ForwardGigaflops:F1} |");
                }
            }
            if (parse.GetValue(json) is { } file)
            {
                File.WriteAllText(file.FullName, JsonSerializer.Serialize(new { environment = BenchEnvironment.Describe(), matmulGigaflops = matmul, rows }, new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
            }
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static string Format(double value) => double.IsNaN(value) ? "-" : value.ToString("G3", System.Globalization.CultureInfo.InvariantCulture);

    private static void Warm(AfinModel afin)
    {
        var problem = new TaskSampler(new TaskDistribution { PriorFamilies = ["gaussian"] }, 5).SampleTask(afin.Tasks.MinDimension, Math.Max(1, afin.Tasks.MinSites)).Problem;
        for (int i = 0; i < 3; i++)
        {
            afin.Infer(problem);
        }
    }

    private static AfinBenchRow RunBucket(AfinModel afin, string name, string likelihood, int d, int n, int count, int batch, CancellationToken cancellationToken)
    {
        var distribution = new TaskDistribution
        {
            MinDimension = d, MaxDimension = d, MinSites = n, MaxSites = n, PriorFamilies = ["gaussian"], LikelihoodFamilies = [likelihood],
        };
        var sampler = new TaskSampler(distribution, 7919 * d + 31 * n + likelihood.Length);
        var problems = Enumerable.Range(0, count).Select(_ => sampler.SampleTask(d, n).Problem).ToArray();
        var afinSme = new List<double>();
        var afinKl = new List<double>();
        var nutsSme = new List<double>();
        var w2Ratio = new List<double>();
        var latency = new List<double>();
        var nutsTime = new List<double>();
        for (int i = 0; i < problems.Length; i++)
        {
            var problem = problems[i];
            latency.Add(MedianOf(3, () => afin.Infer(problem)));
            var posterior = afin.Infer(problem);
            var clock = Stopwatch.StartNew();
            var nuts = NutsSampler.Sample(problem.LogDensity(), new NutsOptions { Seed = i }, cancellationToken: cancellationToken);
            nutsTime.Add(clock.Elapsed.TotalMilliseconds);
            if (problem.IsConjugate)
            {
                var exact = ExactPosterior.Compute(problem);
                afinSme.Add(StandardisedMeanError.Mean(posterior.Mean, exact.Mean, exact.StdDev));
                afinKl.Add(GaussianKl.DivergencePerDimension(exact.Mean, exact.Covariance, posterior.Mean, posterior.Covariance));
                nutsSme.Add(StandardisedMeanError.Mean(nuts.Mean.ToArray(), exact.Mean, exact.StdDev));
            }
            else
            {
                // Reference: a long NUTS run; baseline: the W2 of an ordinary, independent NUTS run to it.
                var reference = NutsSampler.Sample(problem.LogDensity(), new NutsOptions { Seed = 1000 + i, Draws = 5000 }, cancellationToken: cancellationToken);
                var referenceDraws = reference.GetPooledDraws();
                double baseline = SlicedWasserstein.Distance(nuts.GetPooledDraws(), referenceDraws);
                double afinW2 = SlicedWasserstein.Distance(posterior.Sample(4000, i), referenceDraws);
                w2Ratio.Add(afinW2 / baseline);
                var sd = reference.Variance.Select(Math.Sqrt).ToArray();
                afinSme.Add(StandardisedMeanError.Mean(posterior.Mean, reference.Mean.ToArray(), sd));
            }
        }
        var batchProblems = Enumerable.Range(0, batch).Select(j => problems[j % problems.Length]).ToArray();
        afin.Infer(batchProblems);
        double batchMs = MedianOf(3, () => afin.Infer(batchProblems));
        double latencyMs = Median(latency);
        double gigaflops = 2.0 * NetworkCost.MultiplyAdds(afin.Network.Options, d, n) / (latencyMs * 1e-3) / 1e9;
        return new AfinBenchRow(name, d, n, Median(afinSme), Median(afinKl), Median(nutsSme), Median(w2Ratio), latencyMs, Median(nutsTime),
            batch / (batchMs / 1000), gigaflops);
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

    private sealed record AfinBenchRow(string Family, int D, int N, double AfinSme, double AfinKlPerDimension, double NutsSme, double W2Ratio,
        double AfinLatencyMs, double NutsMs, double BatchedProblemsPerSecond, double ForwardGigaflops);
}
