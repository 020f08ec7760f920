using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Afin.Persistence;
using Afin.Training;

namespace Afin.Cli.Commands;

/// <summary>
/// <c>afin bench afin</c>: accuracy and speed of one or more AFIN models against exact and NUTS references on a
/// fixed, seeded suite of (d, N, family) buckets. Every model sees the same problems and the same NUTS runs in the
/// same process, so model/model and AFIN/NUTS ratios hold on a noisy machine.
/// </summary>
internal static class AfinBenchCommand
{
    private static readonly (int D, int N)[] Shapes = [(2, 16), (4, 16), (4, 64), (8, 16), (8, 64), (16, 64), (16, 256)];

    private static readonly (string Name, string Likelihood)[] Families =
        [("conjugate", "linear_gaussian"), ("logistic", "bernoulli_logit"), ("student_t", "linear_student_t")];

    internal static Command Create(CommandIO io)
    {
        var models = new Option<FileInfo[]>("--model", "-m")
        {
            Description = "Model file; repeat to compare models side by side on the same problems (default: the shipped model).",
            AllowMultipleArgumentsPerToken = true,
        };
        var problems = new Option<int>("--problems") { Description = "Problems per bucket.", DefaultValueFactory = _ => 6 };
        var batch = new Option<int>("--batch") { Description = "Problems per batched forward pass in the throughput test.", DefaultValueFactory = _ => 256 };
        var all = new Option<bool>("--all-buckets") { Description = "Also run buckets outside the models' training range." };
        var trainingSteps = new Option<int>("--training-steps") { Description = "Also time this many training steps of each model's architecture and recipe (0: skip).", DefaultValueFactory = _ => 0 };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the results as JSON to this file." };
        var command = new Command("afin", "AFIN accuracy and speed against exact and NUTS references, per (d, N, family) bucket.")
        {
            models, problems, batch, all, trainingSteps, json,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var files = parse.GetValue(models) is { Length: > 0 } given ? given.Select(f => (FileInfo?)f).ToArray() : [null];
            var named = files.Select(f => new BenchModel(f?.Name ?? AfinModel.DefaultModelName, InferCommand.LoadModel(f))).ToArray();
            var settings = new AfinBenchSettings(Math.Max(1, parse.GetValue(problems)), parse.GetValue(batch), parse.GetValue(all));
            var report = Run(io, named, settings, parse.GetValue(trainingSteps), cancellationToken);
            if (parse.GetValue(json) is { } file)
            {
                File.WriteAllText(file.FullName, JsonSerializer.Serialize(report, new JsonSerializerOptions
                {
                    WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
                }));
            }
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static AfinBenchReport Run(CommandIO io, BenchModel[] models, AfinBenchSettings settings, int trainingSteps, CancellationToken cancellationToken)
    {
        double matmul = MachineRate.MatmulGigaflops();
        io.Output.WriteLine($"NUTS (4 chains x 1000 + 1000) and exact references; {settings.Problems} problems per bucket; {BenchEnvironment.Describe()}; large fp32 matmul {matmul:F0} GFLOP/s");
        var descriptions = models.Select(m => Describe(m, trainingSteps, cancellationToken)).ToArray();
        foreach (var line in descriptions)
        {
            io.Output.WriteLine($"- {line.Text}");
        }
        io.Output.WriteLine();
        io.Output.WriteLine("| model | family | d | N | AFIN SME (median) | AFIN KL/d vs exact (median) | NUTS SME vs exact (median) | W2 AFIN→ref / W2 NUTS→ref (median) | AFIN latency ms (median) | NUTS ms (median) | NUTS/AFIN time | batched problems/s | forward GFLOP/s |");
        io.Output.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var model in models)
        {
            AfinBenchBucket.Warm(model.Model);
        }
        var rows = new List<AfinBenchRow>();
        foreach (var (name, likelihood) in Families)
        {
            foreach (var (d, n) in Shapes)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var included = models.Where(m => settings.AllBuckets || m.Model.Tasks.Covers(d, n, "gaussian", [likelihood])).ToArray();
                if (included.Length == 0)
                {
                    continue;
                }
                foreach (var row in new AfinBenchBucket(name, likelihood, d, n).Run(included.Select(m => (m.Name, m.Model)).ToArray(), settings, cancellationToken))
                {
                    rows.Add(row);
                    io.Output.WriteLine($"| {row.Model} | {name} | {d} | {n} | {Format(row.AfinSme)} | {Format(row.AfinKlPerDimension)} | {Format(row.NutsSme)} | {Format(row.W2Ratio)} | " +
                        $"{row.AfinLatencyMs:F2} | {row.NutsMs:F0} | {row.NutsMs / row.AfinLatencyMs:F1}x | {row.BatchedProblemsPerSecond:F0} | {row.ForwardGigaflops:F1} |");
                }
            }
        }
        return new AfinBenchReport(BenchEnvironment.Describe(), matmul, descriptions, rows);
    }

    /// <summary>One line per model: architecture, size, training record and (optionally) measured training steps/s.</summary>
    private static ModelDescription Describe(BenchModel model, int trainingSteps, CancellationToken cancellationToken)
    {
        var afin = model.Model;
        var options = afin.Options;
        double stepsPerSecond = trainingSteps > 0 && afin.Training.Options is { } recipe
            ? TrainingStepsPerSecond(afin, recipe, trainingSteps, cancellationToken)
            : double.NaN;
        string text = $"{model.Name}: {options.Architecture} {options.Family}, C = {options.FeatureWidth}, {afin.ParameterCount:N0} parameters, " +
            $"trained d {afin.Tasks.MinDimension}..{afin.Tasks.MaxDimension}, N {afin.Tasks.MinSites}..{afin.Tasks.MaxSites} for {afin.Training.Steps} steps " +
            $"({afin.Training.WallSeconds:F0} s recorded)" + (double.IsNaN(stepsPerSecond) ? "" : $"; {stepsPerSecond:F2} training steps/s measured now");
        return new ModelDescription(model.Name, options.Architecture.ToString(), afin.ParameterCount, afin.Training.Steps, afin.Training.WallSeconds, stepsPerSecond, text);
    }

    /// <summary>Times <paramref name="steps"/> steps of a fresh network with the model's architecture, task distribution and recipe.</summary>
    private static double TrainingStepsPerSecond(AfinModel afin, TrainingOptions recipe, int steps, CancellationToken cancellationToken)
    {
        var options = recipe with { Steps = steps + 3, ValidationEvery = 0, CheckpointEvery = 0 };
        using var trainer = new AfinTrainer(afin.Options, afin.Tasks, options);
        var timer = new StepTimer(2, steps + 2);
        var trained = trainer.Train(progress: timer, cancellationToken: cancellationToken);
        return timer.StepsPerSecond;
    }

    private static string Format(double value) => double.IsNaN(value) ? "-" : value.ToString("G3", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Times the reported steps from step <c>first</c> to step <c>last</c>: earlier ones pay one-off JIT and allocation
    /// costs and the final one also validates.
    /// </summary>
    private sealed class StepTimer(int first, int last) : IProgress<TrainingProgress>
    {
        private long _start;
        private long _end;
        private int _startStep = -1;
        private int _endStep;

        public double StepsPerSecond => (_endStep - _startStep) / Stopwatch.GetElapsedTime(_start, _end).TotalSeconds;

        public void Report(TrainingProgress value)
        {
            if (_startStep < 0 && value.Step >= first)
            {
                _start = Stopwatch.GetTimestamp();
                _startStep = value.Step;
            }
            else if (_startStep >= 0 && value.Step <= last)
            {
                _end = Stopwatch.GetTimestamp();
                _endStep = value.Step;
            }
        }
    }

    private sealed record BenchModel(string Name, AfinModel Model);

    private sealed record ModelDescription(string Name, string Architecture, long Parameters, int TrainedSteps, double TrainedWallSeconds, double MeasuredStepsPerSecond, string Text);

    private sealed record AfinBenchReport(string Environment, double MatmulGigaflops, ModelDescription[] Models, List<AfinBenchRow> Rows);
}
