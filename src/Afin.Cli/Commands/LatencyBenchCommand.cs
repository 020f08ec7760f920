using System.CommandLine;
using System.Diagnostics;
using Afin.Canonical;
using Afin.Modelling;
using Afin.Network;
using Afin.Persistence;
using Afin.Training;
using static TorchSharp.torch;

namespace Afin.Cli.Commands;

/// <summary>
/// <c>afin bench latency</c>: where the time of one single-problem inference goes, for the managed engine and the
/// TorchSharp network side by side. Splits it into the canonical frame (the Laplace search of a model in Laplace
/// coordinates), featurising (building the torch engine's factor tensors; the managed engine consumes the features inside
/// its adapter pass), the forward pass and the end-to-end total, sets the pass against the time its arithmetic alone
/// would take at the machine's large-matmul rate, and measures batched throughput.
/// </summary>
internal static class LatencyBenchCommand
{
    private static readonly (int D, int N)[] Shapes = [(1, 1), (2, 16), (4, 64), (8, 16), (8, 64), (16, 64), (16, 256)];

    /// <summary>Which engines a run measures.</summary>
    internal enum EngineChoice
    {
        Both,
        Managed,
        Torch,
    }

    internal static Command Create(CommandIO io)
    {
        var models = new Option<FileInfo[]>("--model", "-m")
        {
            Description = "Model file; repeat to compare (default: the shipped model).", AllowMultipleArgumentsPerToken = true,
        };
        var repeats = new Option<int>("--repeats") { Description = "Timed repetitions per shape (the median is reported).", DefaultValueFactory = _ => 25 };
        var engine = new Option<EngineChoice>("--engine")
        {
            Description = "managed, torch or both (side by side).", DefaultValueFactory = _ => EngineChoice.Both,
        };
        var batch = new Option<int>("--batch") { Description = "Problems per batched call for the problems/s column.", DefaultValueFactory = _ => 64 };
        var command = new Command("latency", "Single-problem AFIN latency of each engine split into canonical frame, featurise and forward, against the arithmetic floor.")
        {
            models, repeats, engine, batch,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var files = parse.GetValue(models) is { Length: > 0 } given ? given.Select(f => (FileInfo?)f).ToArray() : [null];
            int count = Math.Max(3, parse.GetValue(repeats));
            int batchSize = Math.Max(1, parse.GetValue(batch));
            var engines = parse.GetValue(engine) switch
            {
                EngineChoice.Managed => new[] { EngineChoice.Managed },
                EngineChoice.Torch => [EngineChoice.Torch],
                _ => [EngineChoice.Managed, EngineChoice.Torch],
            };
            int cores = get_num_threads();
            double matmul = MachineRate.MatmulGigaflops();
            io.Output.WriteLine($"{BenchEnvironment.Describe()}; large fp32 matmul {matmul:F0} GFLOP/s (torch, {cores} threads); median of {count}; linear-Gaussian problems");
            io.Output.WriteLine($"canonical = the Laplace frame of a model in Laplace coordinates; forward = the network alone (torch: on 1 and on {cores} intra-op threads; managed: one thread per problem); " +
                $"total = AfinModel.Infer (managed) or AfinNetwork.Infer (torch) end to end; batched = {batchSize} problems in one such call");
            io.Output.WriteLine();
            io.Output.WriteLine($"| model | engine | d | N | canonical ms | featurise ms | forward ms, 1 thread | forward ms, {cores} threads | total ms | arithmetic ms at matmul rate | arithmetic share of forward | batched problems/s |");
            io.Output.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
            foreach (var file in files)
            {
                var afin = InferCommand.LoadModel(file);
                using var network = engines.Contains(EngineChoice.Torch) ? AfinNetwork.FromModel(afin) : null;
                string name = file?.Name ?? AfinModel.DefaultModelName;
                foreach (var (d, n) in Shapes)
                {
                    var problem = Problem(d, n);
                    double arithmetic = 2.0 * NetworkCost.MultiplyAdds(afin.Options, d, n) / (matmul * 1e9) * 1e3;
                    foreach (var chosen in engines)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        var row = chosen == EngineChoice.Managed
                            ? MeasureManaged(afin, problem, count) with { ProblemsPerSecond = Throughput(afin.Infer, problem, batchSize) }
                            : MeasureTorch(afin, network!, problem, count, cores) with { ProblemsPerSecond = Throughput(ps => network!.Infer(ps), problem, batchSize) };
                        string engineName = chosen == EngineChoice.Managed ? "managed" : "torch";
                        io.Output.WriteLine($"| {name} | {engineName} | {d} | {n} | {row.Canonical:F3} | {Cell(row.Featurise)} | {row.Forward:F3} | {Cell(row.ForwardAllThreads)} | {row.Total:F3} | " +
                            $"{arithmetic:F3} | {arithmetic / row.Forward:P0} | {row.ProblemsPerSecond:N0} |");
                    }
                }
            }
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static string Cell(double? milliseconds) => milliseconds is { } ms ? ms.ToString("F3", System.Globalization.CultureInfo.InvariantCulture) : "-";

    private static BayesianProblem Problem(int d, int n)
    {
        var tasks = new TaskDistribution { MinDimension = d, MaxDimension = d, MinSites = n, MaxSites = n, PriorFamilies = ["gaussian"], LikelihoodFamilies = ["linear_gaussian"] };
        return new TaskSampler(tasks, 17 * d + n).SampleTask(d, n).Problem;
    }

    /// <summary>Median stage times (ms) of one problem; null where a stage does not apply to the engine.</summary>
    private sealed record StageTimes(double Canonical, double? Featurise, double Forward, double? ForwardAllThreads, double Total, double ProblemsPerSecond = 0);

    /// <summary>The problem the network itself sees (its canonical twin in Laplace coordinates) and the median time to build it.</summary>
    private static (BayesianProblem Input, double Milliseconds) Canonical(AfinModel afin, BayesianProblem problem, int repeats)
    {
        var coordinates = afin.Options.Coordinates;
        if (coordinates == LatentCoordinates.Original)
        {
            return (problem, 0);
        }
        var input = CanonicalFrame.Create(problem, coordinates).Problem;
        return (input, MedianOf(repeats, () => CanonicalFrame.Create(problem, coordinates)));
    }

    private static StageTimes MeasureManaged(AfinModel afin, BayesianProblem problem, int repeats)
    {
        var (input, canonical) = Canonical(afin, problem, repeats);
        var managed = afin.ManagedNetwork;
        double forward = MedianOf(repeats, () => managed.InferAsStated(input));
        double total = MedianOf(repeats, () => afin.Infer(problem));
        return new StageTimes(canonical, null, forward, null, total);
    }

    /// <summary>Featurise and forward on 1 and on <paramref name="cores"/> intra-op threads, then the end-to-end time with the network's own thread choice.</summary>
    private static StageTimes MeasureTorch(AfinModel afin, AfinNetwork network, BayesianProblem problem, int repeats, int cores)
    {
        var (input, canonical) = Canonical(afin, problem, repeats);
        var (_, single) = OnThreads(1, () => TorchPass(network, input, repeats));
        var (featurise, multi) = OnThreads(cores, () => TorchPass(network, input, repeats));
        double total = MedianOf(repeats, () => network.Infer([problem]));
        return new StageTimes(canonical, featurise, single, multi, total);
    }

    private static T OnThreads<T>(int threads, Func<T> run)
    {
        int original = get_num_threads();
        set_num_threads(threads);
        try
        {
            return run();
        }
        finally
        {
            set_num_threads(original);
        }
    }

    /// <summary>Median featurise and forward times (ms) of the torch network on the current intra-op threads.</summary>
    private static (double Featurise, double Forward) TorchPass(AfinNetwork network, BayesianProblem input, int repeats)
    {
        var featurise = new List<double>();
        var forward = new List<double>();
        for (int r = -3; r < repeats; r++)
        {
            using (no_grad())
            using (NewDisposeScope())
            {
                long start = Stopwatch.GetTimestamp();
                using var batch = network.CreateBatch([input]);
                long built = Stopwatch.GetTimestamp();
                network.forward(batch);
                long done = Stopwatch.GetTimestamp();
                if (r >= 0)
                {
                    featurise.Add(Stopwatch.GetElapsedTime(start, built).TotalMilliseconds);
                    forward.Add(Stopwatch.GetElapsedTime(built, done).TotalMilliseconds);
                }
            }
        }
        return (NutsBenchCommand.Median(featurise), NutsBenchCommand.Median(forward));
    }

    /// <summary>Problems per second of one <paramref name="infer"/> call on <paramref name="batch"/> copies of the problem (median of 3 after a warm-up).</summary>
    private static double Throughput(Func<IReadOnlyList<BayesianProblem>, IReadOnlyList<AfinPosterior>> infer, BayesianProblem problem, int batch)
    {
        var problems = Enumerable.Repeat(problem, batch).ToArray();
        double ms = MedianOf(3, () => infer(problems));
        return batch / (ms / 1e3);
    }

    /// <summary>Median wall time (ms) of <paramref name="action"/> over <paramref name="repeats"/> runs after three warm-up runs.</summary>
    private static double MedianOf(int repeats, Action action)
    {
        var times = new List<double>();
        for (int r = -3; r < repeats; r++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            if (r >= 0)
            {
                times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }
        return NutsBenchCommand.Median(times);
    }
}
