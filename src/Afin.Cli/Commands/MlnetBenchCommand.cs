using System.CommandLine;
using System.Diagnostics;
using Afin.Extensions.DependencyInjection;
using Afin.MLNet;
using Afin.Modelling;
using Afin.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Afin.Cli.Commands;

/// <summary>
/// <c>afin bench mlnet</c>: rows/s of the ML.NET AfinPosterior transform against the DI engine on the
/// same problems (linear regressions, d = 4..8, N = 16..64), in the same run, so ML.NET's overhead is known.
/// </summary>
internal static class MlnetBenchCommand
{
    internal static Command Create(CommandIO io)
    {
        var problems = new Option<int>("--problems") { Description = "Number of problems (rows).", DefaultValueFactory = _ => 10_000 };
        var command = new Command("mlnet", "Rows/s of mlContext.Transforms.AfinPosterior() against IAfinPosteriorEngine on the same problems.") { problems };
        command.SetAction((parse, cancellationToken) =>
        {
            int count = parse.GetValue(problems);
            if (count < 1)
            {
                throw new InvalidInputException("--problems: expected a positive integer");
            }
            var sampler = new TaskSampler(new TaskDistribution { MinDimension = 4, MaxDimension = 8, MinSites = 16, MaxSites = 64, PriorFamilies = ["gaussian"], LikelihoodFamilies = ["linear_gaussian"], HardCaseProbability = 0 }, 99);
            var specs = Enumerable.Range(0, count).Select(_ => { var (d, n) = sampler.SampleShape(); return sampler.SampleTask(d, n).Problem; }).ToArray();
            var rows = specs.Select(BenchRow.From).ToArray();

            var mlContext = new MLContext(seed: 0);
            var data = mlContext.Data.LoadFromEnumerable(rows);
            var transformer = mlContext.Transforms.AfinPosterior().Fit(data);
            using var engine = new AfinPosteriorEngine(transformer.Model!); // the default (amortized) mode binds a model
            engine.InferBatch(specs.Take(16).ToArray());

            var clock = Stopwatch.StartNew();
            var engineResults = engine.InferBatch(specs);
            double engineSeconds = clock.Elapsed.TotalSeconds;

            clock.Restart();
            var output = transformer.Transform(data);
            long transformed = 0;
            using (var cursor = output.GetRowCursor(output.Schema.Where(c => c.Name == "PosteriorMean")))
            {
                var getter = cursor.GetGetter<VBuffer<double>>(output.Schema["PosteriorMean"]);
                VBuffer<double> mean = default;
                while (cursor.MoveNext())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    getter(ref mean);
                    transformed++;
                }
            }
            double transformSeconds = clock.Elapsed.TotalSeconds;

            io.Output.WriteLine($"{count} linear regressions, d 4..8, N 16..64, shipped model; {BenchEnvironment.Describe()}");
            io.Output.WriteLine();
            io.Output.WriteLine("| path | problems | seconds | problems/s |");
            io.Output.WriteLine("| --- | --- | --- | --- |");
            io.Output.WriteLine($"| IAfinPosteriorEngine.InferBatch | {engineResults.Count} | {engineSeconds:F1} | {engineResults.Count / engineSeconds:F0} |");
            io.Output.WriteLine($"| ML.NET Transform (cursor over PosteriorMean) | {transformed} | {transformSeconds:F1} | {transformed / transformSeconds:F0} |");
            io.Output.WriteLine();
            io.Output.WriteLine($"ML.NET overhead: Transform takes {transformSeconds / engineSeconds:F2}x the engine's time.");
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    /// <summary>One problem row in the AfinPosterior input schema.</summary>
    private sealed class BenchRow
    {
        public string PriorFamily { get; set; } = "gaussian";

        [VectorType]
        public float[] PriorLoc { get; set; } = [];

        [VectorType]
        public float[] PriorScale { get; set; } = [];

        [VectorType]
        public string[] LikelihoodFamily { get; set; } = ["linear_gaussian"];

        [VectorType]
        public float[] X { get; set; } = [];

        [VectorType]
        public float[] Y { get; set; } = [];

        [VectorType]
        public float[] NoiseScale { get; set; } = [];

        internal static BenchRow From(BayesianProblem problem)
        {
            var prior = (GaussianPrior)problem.Prior;
            var block = (LinearGaussianBlock)problem.Blocks[0];
            return new BenchRow
            {
                PriorLoc = prior.Loc.Select(v => (float)v).ToArray(),
                PriorScale = prior.Scale.Select(v => (float)v).ToArray(),
                X = block.X.Cast<double>().Select(v => (float)v).ToArray(),
                Y = block.Y.Select(v => (float)v).ToArray(),
                NoiseScale = block.Sigma.Select(v => (float)v).ToArray(),
            };
        }
    }
}
