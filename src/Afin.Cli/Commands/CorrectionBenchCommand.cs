using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Afin.Cli.Comparison;
using Afin.Correction;
using Afin.Inference;
using Afin.Metrics;
using Afin.Modelling;
using Afin.Network;
using Afin.Persistence;
using Afin.References;

namespace Afin.Cli.Commands;

/// <summary>
/// <c>afin bench correction</c>: accuracy and in-process time of AFIN, AFIN+SNIS, AFIN+IMH, Auto and NUTS on the
/// same seeded problems per (family, d, N) bucket, all in one run, against exact posteriors (conjugate problems) or
/// a long NUTS run.
/// </summary>
internal static class CorrectionBenchCommand
{
    private static readonly (int D, int N)[] Shapes = [(2, 16), (4, 64), (8, 16), (8, 64)];

    private static readonly (string Name, string Likelihood)[] Families =
        [("conjugate", "linear_gaussian"), ("logistic", "bernoulli_logit"), ("student_t", "linear_student_t")];

    private static readonly string[] Methods = ["AFIN", "AFIN+SNIS", "AFIN+IMH", "Auto", "NUTS"];

    internal static Command Create(CommandIO io)
    {
        var model = new Option<FileInfo?>("--model", "-m") { Description = "Model file; the shipped default model when omitted." };
        var problems = new Option<int>("--problems") { Description = "Problems per bucket.", DefaultValueFactory = _ => 6 };
        var draws = new Option<int>("--draws") { Description = "Proposal draws for SNIS, IMH and Auto's check.", DefaultValueFactory = _ => new AutoInferenceOptions().ProposalDraws };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the results as JSON to this file." };
        var command = new Command("correction", "AFIN, AFIN+SNIS, AFIN+IMH, Auto and NUTS: accuracy and time per bucket in one run.")
        {
            model, problems, draws, json,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var afin = InferCommand.LoadModel(parse.GetValue(model));
            int count = Math.Max(1, parse.GetValue(problems));
            int drawCount = Math.Max(25, parse.GetValue(draws));
            io.Output.WriteLine($"{afin.Options.Architecture} AFIN ({afin.ParameterCount:N0} parameters); {count} problems per bucket; {drawCount} proposal draws; " +
                $"NUTS 4 x 1000 + 1000; references exact (conjugate) or NUTS 4 x 5000; {BenchEnvironment.Describe()}");
            io.Output.WriteLine();
            io.Output.WriteLine("| family | d | N | method | SME (median) | W2 / W2 of NUTS (median) | ms (median) | time / NUTS time (median) | notes |");
            io.Output.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
            AfinBenchBucket.Warm(afin);
            var rows = new List<CorrectionRow>();
            foreach (var (name, likelihood) in Families)
            {
                foreach (var (d, n) in Shapes)
                {
                    foreach (var row in RunBucket(afin, name, likelihood, d, n, count, drawCount, cancellationToken))
                    {
                        rows.Add(row);
                        io.Output.WriteLine($"| {name} | {d} | {n} | {row.Method} | {row.Sme:G3} | {row.W2Ratio:G3} | {row.Milliseconds:F1} | {row.TimeRatio:P1} | {row.Notes} |");
                    }
                }
            }
            if (parse.GetValue(json) is { } file)
            {
                File.WriteAllText(file.FullName, JsonSerializer.Serialize(new { environment = BenchEnvironment.Describe(), rows },
                    new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
            }
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static IEnumerable<CorrectionRow> RunBucket(AfinModel afin, string name, string likelihood, int d, int n, int count, int draws, CancellationToken cancellationToken)
    {
        var scores = Methods.ToDictionary(m => m, _ => new List<MethodScore>());
        var autoMethods = new List<InferenceMethod>();
        var paretoK = new List<double>();
        var acceptance = new List<double>();
        var problems = AfinBenchBucket.Problems(likelihood, d, n, count);
        for (int i = 0; i < count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var problem = problems[i];
            var reference = Reference.Of(problem, i, cancellationToken);
            var nutsClock = Stopwatch.StartNew();
            var nuts = NutsSampler.Sample(problem.LogDensity(), new NutsOptions { Seed = i }, cancellationToken: cancellationToken);
            double nutsMs = nutsClock.Elapsed.TotalMilliseconds;
            var nutsDraws = nuts.GetPooledDraws();
            double baseline = reference.W2(nutsDraws);
            scores["NUTS"].Add(new MethodScore(reference.Sme(nuts.Mean.ToArray()), 1.0, nutsMs, 1.0));

            var clock = Stopwatch.StartNew();
            var posterior = afin.Infer(problem);
            double afinMs = clock.Elapsed.TotalMilliseconds;
            scores["AFIN"].Add(Score(reference, posterior.Mean, posterior.Sample(4000, i), baseline, afinMs, nutsMs));

            clock.Restart();
            var snis = ImportanceSampler.Run(afin.Infer(problem), problem.LogDensity(), draws, i);
            double snisMs = clock.Elapsed.TotalMilliseconds;
            scores["AFIN+SNIS"].Add(Score(reference, snis.Mean, snis.Resample(4000, i), baseline, snisMs, nutsMs));
            paretoK.Add(snis.ParetoK);

            clock.Restart();
            var imh = IndependenceMetropolisHastings.Run(afin.Infer(problem), problem.LogDensity(), draws, i);
            double imhMs = clock.Elapsed.TotalMilliseconds;
            scores["AFIN+IMH"].Add(Score(reference, imh.Mean, imh.Draws, baseline, imhMs, nutsMs));
            acceptance.Add(imh.AcceptanceRate);

            clock.Restart();
            var auto = AfinInference.Run(afin, problem, InferenceMode.Auto, new AutoInferenceOptions { ProposalDraws = draws, Seed = i }, cancellationToken);
            double autoMs = clock.Elapsed.TotalMilliseconds;
            scores["Auto"].Add(Score(reference, auto.Mean, auto.Sample(4000, i), baseline, autoMs, nutsMs));
            autoMethods.Add(auto.Method);
        }
        foreach (string method in Methods)
        {
            var s = scores[method];
            string notes = method switch
            {
                "AFIN+SNIS" => $"k-hat {Median(paretoK):F2}",
                "AFIN+IMH" => $"acceptance {Median(acceptance):F2}",
                "Auto" => string.Join(", ", autoMethods.GroupBy(m => m).Select(g => $"{g.Key} {g.Count()}")),
                _ => "",
            };
            yield return new CorrectionRow(name, d, n, method, Median(s.Select(x => x.Sme)), Median(s.Select(x => x.W2Ratio)),
                Median(s.Select(x => x.Milliseconds)), Median(s.Select(x => x.TimeRatio)), notes);
        }
    }

    private static MethodScore Score(Reference reference, double[] mean, double[,] draws, double baseline, double ms, double nutsMs) =>
        new(reference.Sme(mean), reference.W2(draws) / baseline, ms, ms / nutsMs);

    private static double Median(IEnumerable<double> values)
    {
        var list = values.Where(v => !double.IsNaN(v)).ToList();
        return list.Count == 0 ? double.NaN : NutsBenchCommand.Median(list);
    }

    private sealed record MethodScore(double Sme, double W2Ratio, double Milliseconds, double TimeRatio);

    private sealed record CorrectionRow(string Family, int D, int N, string Method, double Sme, double W2Ratio, double Milliseconds, double TimeRatio, string Notes);

    /// <summary>The truth a method is scored against: exact moments and exact draws, or a long NUTS run.</summary>
    private sealed class Reference
    {
        private readonly double[] _mean;
        private readonly double[] _sd;
        private readonly double[,] _draws;

        private Reference(double[] mean, double[] sd, double[,] draws)
        {
            _mean = mean;
            _sd = sd;
            _draws = draws;
        }

        internal static Reference Of(BayesianProblem problem, int index, CancellationToken cancellationToken)
        {
            if (problem.IsConjugate)
            {
                var exact = ExactPosterior.Compute(problem);
                return new Reference(exact.Mean, exact.StdDev, GaussianDraws.Sample(exact.Mean, exact.Covariance, 16000, 1000 + index));
            }
            var reference = NutsSampler.Sample(problem.LogDensity(), new NutsOptions { Seed = 1000 + index, Draws = 5000 }, cancellationToken: cancellationToken);
            return new Reference(reference.Mean.ToArray(), reference.Variance.Select(Math.Sqrt).ToArray(), reference.GetPooledDraws());
        }

        internal double Sme(double[] mean) => StandardisedMeanError.Mean(mean, _mean, _sd);

        internal double W2(double[,] draws) => SlicedWasserstein.Distance(draws, _draws);
    }
}
