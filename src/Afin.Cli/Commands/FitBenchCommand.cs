using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Afin.Cli.Benchmarks.Fit;
using Afin.Cli.Benchmarks.Real;
using Afin.Inference;
using Afin.MLNet;

namespace Afin.Cli.Commands;

/// <summary>
/// <c>afin bench fit</c>: what fine-tuning in ML.NET's Fit buys on per-group data sets (benchmarks/fit/groups.json):
/// per kind, the Laplace approximation, the base model, and Fit on the kind's own designs at several budgets, with the
/// seconds each took, all scored against the groups' references (benchmarks/fit/references.json).
/// </summary>
internal static class FitBenchCommand
{
    internal const string DefaultSuite = "benchmarks/fit/groups.json";
    internal const string DefaultReferences = "benchmarks/fit/references.json";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = true,
    };

    internal static Command Create(CommandIO io)
    {
        var suite = new Option<FileInfo>("--suite") { Description = "Per-group suite description.", DefaultValueFactory = _ => new FileInfo(DefaultSuite) };
        var references = new Option<FileInfo>("--references")
        {
            Description = $"Its references (compute them with `afin bench real references --suite {DefaultSuite} --out {DefaultReferences}`).",
            DefaultValueFactory = _ => new FileInfo(DefaultReferences),
        };
        var model = new Option<FileInfo?>("--model", "-m") { Description = "The model Fit starts from (default: the shipped model)." };
        var steps = new Option<string>("--steps") { Description = "Comma-separated fine-tuning budgets in steps.", DefaultValueFactory = _ => "250,1000,3000" };
        var kinds = new Option<string?>("--kinds") { Description = "Only kinds whose name matches this regular expression." };
        var defaults = new AfinPosteriorOptions();
        var batch = new Option<int>("--batch-size") { Description = "Fit's FineTuneBatchSize.", DefaultValueFactory = _ => defaults.FineTuneBatchSize };
        var rate = new Option<double>("--lr") { Description = "Fit's FineTuneLearningRate.", DefaultValueFactory = _ => defaults.FineTuneLearningRate };
        var dataLike = new Option<bool>("--data-like")
        {
            Description = "Fit's FineTuneDataLike (true or false): redraw simulated data until they fit no more extremely than the group's own.",
            DefaultValueFactory = _ => defaults.FineTuneDataLike,
        };
        var region = new Option<double>("--region-scale") { Description = "Fit's FineTuneRegionScale (0: true latents from the whole prior).", DefaultValueFactory = _ => defaults.FineTuneRegionScale };
        var seed = CommonOptions.Seed();
        var output = new Option<FileInfo?>("--out") { Description = "Also write the rows as JSON to this file." };
        var command = new Command("fit", "Fine-tuning in ML.NET's Fit on per-group data sets: error against the references before and after, at several budgets, with the seconds each took.")
        {
            suite, references, model, steps, kinds, batch, rate, region, dataLike, seed, output,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var budgets = Budgets(parse.GetValue(steps)!);
            var groups = Groups(parse.GetValue(suite)!, parse.GetValue(references)!, parse.GetValue(kinds));
            var tuning = new AfinPosteriorOptions
            {
                // The benchmark scores the network itself, before and after Fit: Auto (the transformer's default) would
                // answer conjugate groups exactly and repair the others by importance sampling, hiding what Fit changed.
                Mode = InferenceMode.Amortized,
                FineTuneBatchSize = parse.GetValue(batch), FineTuneLearningRate = parse.GetValue(rate), FineTuneRegionScale = parse.GetValue(region), FineTuneDataLike = parse.GetValue(dataLike), FineTuneSeed = parse.GetValue(seed),
            };
            tuning.Validate();
            var baseModel = InferCommand.LoadModel(parse.GetValue(model));
            string environment = BenchEnvironment.Describe();
            io.Output.WriteLine($"Fit on the user's designs: {groups.Sum(g => g.Count)} groups in {groups.Count} data sets; model {parse.GetValue(model)?.Name ?? "shipped default"}; " +
                $"batch {tuning.FineTuneBatchSize}, lr {tuning.FineTuneLearningRate}, region scale {tuning.FineTuneRegionScale}, data-like {tuning.FineTuneDataLike}; {environment}");
            io.Output.WriteLine();
            var runner = new FitBenchRunner(baseModel, tuning, io.Error);
            var rows = groups.SelectMany(g => runner.Run(g, budgets, cancellationToken)).ToList();
            Print(io.Output, rows);
            if (parse.GetValue(output) is { } file)
            {
                io.WriteResult(JsonSerializer.Serialize(new { Environment = environment, tuning.FineTuneBatchSize, tuning.FineTuneLearningRate, tuning.FineTuneRegionScale, tuning.FineTuneDataLike, Rows = rows }, JsonOptions) + Environment.NewLine, file);
            }
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static int[] Budgets(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var budgets = parts.Select(p => int.TryParse(p, out int v) && v > 0 ? v : -1).ToArray();
        if (budgets.Length == 0 || budgets.Any(b => b < 0))
        {
            throw new InvalidInputException($"--steps: expected comma-separated positive integers, got '{text}'");
        }
        return budgets;
    }

    /// <summary>The suite's problems with their references, one list per kind; fails before any work when a reference is missing or stale.</summary>
    private static List<List<(SuiteProblem Problem, ProblemReference Reference)>> Groups(FileInfo suite, FileInfo references, string? kindPattern)
    {
        if (!suite.Exists)
        {
            throw new InvalidInputException($"--suite: file '{suite.FullName}' does not exist (run from the repository root, or pass --suite)");
        }
        if (!references.Exists)
        {
            throw new InvalidInputException($"--references: file '{references.FullName}' does not exist; compute it with `afin bench real references --suite {suite.Name} --out {references.Name}`");
        }
        var filter = kindPattern is null ? null : new Regex(kindPattern);
        var set = ReferenceStore.Load(references.FullName);
        var problems = RealisticSuite.Generate(RealisticSuite.LoadDescription(suite)).Where(p => filter?.IsMatch(p.Kind) ?? true).ToArray();
        if (problems.Length == 0)
        {
            throw new InvalidInputException($"--kinds: no kind matches '{kindPattern}'");
        }
        return problems.GroupBy(p => p.Kind).Select(g => g.Select(p => (p, ReferenceStore.Require(set, p, references.Name))).ToList()).ToList();
    }

    private static void Print(TextWriter output, IReadOnlyList<FitBenchRow> rows)
    {
        output.WriteLine("| data set | groups | d | N | method | steps | seconds | median max SME | median KL/d | vs default | held-out -log q/d before → after (Laplace) |");
        output.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var row in rows)
        {
            double baseline = rows.First(r => r.Kind == row.Kind && r.Method == "default").MedianMaxSme;
            string heldOut = row.HeldOutAfter is { } after ? $"{row.HeldOutBefore:F3} → {after:F3} ({row.HeldOutLaplace:F3})" : "";
            output.WriteLine($"| {row.Kind} | {row.Groups} | {row.D} | {row.Sites} | {row.Method} | {row.Steps} | {row.Seconds:F1} | {row.MedianMaxSme:F3} | {row.MedianKlPerDimension:F4} | " +
                $"{baseline / row.MedianMaxSme:F2}x | {heldOut} |");
        }
        output.WriteLine();
        output.WriteLine("vs default: the base model's median max SME divided by the row's (above 1: the row is more accurate).");
    }
}
