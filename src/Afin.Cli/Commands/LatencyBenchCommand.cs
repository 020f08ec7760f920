using System.CommandLine;
using System.Diagnostics;
using Afin.Modelling;
using Afin.Network;
using Afin.Persistence;
using Afin.Training;
using static TorchSharp.torch;

namespace Afin.Cli.Commands;

/// <summary>
/// <c>afin bench latency</c>: where the time of one single-problem inference goes. Splits it into featurising
/// (building the factor tensors), the network's forward pass and the rest (decoding to arrays), and sets each against
/// the time the arithmetic alone would take at the machine's large-matmul rate; the difference is per-operation
/// overhead (dispatch, allocation, small-tensor kernels), which no amount of FLOP-cutting removes.
/// </summary>
internal static class LatencyBenchCommand
{
    private static readonly (int D, int N)[] Shapes = [(1, 1), (2, 16), (4, 64), (8, 16), (8, 64), (16, 64), (16, 256)];

    internal static Command Create(CommandIO io)
    {
        var models = new Option<FileInfo[]>("--model", "-m")
        {
            Description = "Model file; repeat to compare (default: the shipped model).", AllowMultipleArgumentsPerToken = true,
        };
        var repeats = new Option<int>("--repeats") { Description = "Timed repetitions per shape (the median is reported).", DefaultValueFactory = _ => 25 };
        var command = new Command("latency", "Single-problem AFIN latency split into featurise, forward and decode, against the arithmetic floor.")
        {
            models, repeats,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var files = parse.GetValue(models) is { Length: > 0 } given ? given.Select(f => (FileInfo?)f).ToArray() : [null];
            int count = Math.Max(3, parse.GetValue(repeats));
            int cores = get_num_threads();
            double matmul = MachineRate.MatmulGigaflops();
            io.Output.WriteLine($"{BenchEnvironment.Describe()}; large fp32 matmul {matmul:F0} GFLOP/s; median of {count}; linear-Gaussian problems");
            io.Output.WriteLine($"forward = the network alone on 1 and on {cores} intra-op threads; total = AfinModel.Infer end to end, with its own thread choice");
            io.Output.WriteLine();
            io.Output.WriteLine($"| model | d | N | featurise ms | forward ms, 1 thread | forward ms, {cores} threads | total ms | arithmetic ms at matmul rate | overhead share of total |");
            io.Output.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
            foreach (var file in files)
            {
                using var afin = InferCommand.LoadModel(file);
                string name = file?.Name ?? AfinModel.DefaultModelName;
                foreach (var (d, n) in Shapes)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var problem = Problem(d, n);
                    var single = Measure(afin, problem, count, 1);
                    var multi = Measure(afin, problem, count, cores);
                    double arithmetic = 2.0 * NetworkCost.MultiplyAdds(afin.Network.Options, d, n) / (matmul * 1e9) * 1e3;
                    io.Output.WriteLine($"| {name} | {d} | {n} | {multi.Featurise:F3} | {single.Forward:F3} | {multi.Forward:F3} | {multi.Total:F3} | {arithmetic:F3} | {Math.Max(0, 1 - arithmetic / multi.Total):P0} |");
                }
            }
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static BayesianProblem Problem(int d, int n)
    {
        var tasks = new TaskDistribution { MinDimension = d, MaxDimension = d, MinSites = n, MaxSites = n, PriorFamilies = ["gaussian"], LikelihoodFamilies = ["linear_gaussian"] };
        return new TaskSampler(tasks, 17 * d + n).SampleTask(d, n).Problem;
    }

    /// <summary>
    /// Median featurise and forward times (ms) of one problem on <paramref name="threads"/> intra-op threads, and its
    /// end-to-end <see cref="AfinModel.Infer(BayesianProblem)"/> time starting from that thread count, after warm-up passes.
    /// </summary>
    private static (double Featurise, double Forward, double Total) Measure(AfinModel afin, BayesianProblem problem, int repeats, int threads)
    {
        int original = get_num_threads();
        set_num_threads(threads);
        try
        {
            return MeasureOnCurrentThreads(afin, problem, repeats);
        }
        finally
        {
            set_num_threads(original);
        }
    }

    private static (double Featurise, double Forward, double Total) MeasureOnCurrentThreads(AfinModel afin, BayesianProblem problem, int repeats)
    {
        var network = afin.Network;
        network.eval();
        var featurise = new List<double>();
        var forward = new List<double>();
        var total = new List<double>();
        for (int r = -3; r < repeats; r++)
        {
            using (no_grad())
            using (NewDisposeScope())
            {
                long start = Stopwatch.GetTimestamp();
                using var batch = network.CreateBatch([problem]);
                long built = Stopwatch.GetTimestamp();
                network.forward(batch);
                long done = Stopwatch.GetTimestamp();
                if (r >= 0)
                {
                    featurise.Add(Stopwatch.GetElapsedTime(start, built).TotalMilliseconds);
                    forward.Add(Stopwatch.GetElapsedTime(built, done).TotalMilliseconds);
                }
            }
            long clock = Stopwatch.GetTimestamp();
            afin.Infer(problem);
            if (r >= 0)
            {
                total.Add(Stopwatch.GetElapsedTime(clock).TotalMilliseconds);
            }
        }
        return (NutsBenchCommand.Median(featurise), NutsBenchCommand.Median(forward), NutsBenchCommand.Median(total));
    }
}
