using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using Afin.Cli.Benchmarks.Real;
using Afin.Persistence;

namespace Afin.Cli.Commands.Real;

/// <summary>
/// <c>afin bench real</c>: every method scored against long-run references on the realistic suite
/// (benchmarks/real/suite.json), per d bucket and per kind; <c>suite</c> lists the problems and <c>references</c>
/// computes the references.
/// </summary>
internal static class RealBenchCommand
{
    /// <summary>
    /// How well the range check and the quick k-hat predict the amortized error: a problem counts as flagged when it lies
    /// outside the training range or its quick k-hat exceeds 0.7 (<see cref="RealBenchResult.Flagged"/>).
    /// </summary>
    private static string RangeCheckNote(string method, RealBenchResult[] results)
    {
        static bool Flagged(RealBenchResult r) => r.Flagged == true;
        var bad = results.Where(r => r.Scores!.MaxSme > 0.5).ToArray();
        var good = results.Where(r => r.Scores!.MaxSme < 0.15).ToArray();
        var missed = bad.Where(r => !Flagged(r)).Select(r => r.Problem).ToArray();
        var falseAlarms = good.Where(Flagged).Select(r => r.Problem).ToArray();
        return $"{method}: Amortized mode flags {bad.Length - missed.Length} of {bad.Length} problems with max SME > 0.5" +
            (missed.Length > 0 ? $" (missed: {string.Join(", ", missed)})" : "") +
            $" and {falseAlarms.Length} of {good.Length} with max SME < 0.15" + (falseAlarms.Length > 0 ? $" ({string.Join(", ", falseAlarms)})" : "");
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = true,
    };

    internal static Command Create(CommandIO io)
    {
        var options = new RealSuiteOptions();
        var models = new Option<FileInfo[]>("--model", "-m")
        {
            Description = "Model file; repeat to score several models, each as its own methods named by its file name (default: the shipped model).",
            AllowMultipleArgumentsPerToken = true,
        };
        var methods = new Option<string?>("--methods") { Description = $"Comma-separated methods to run (default: all of {string.Join(",", RealMethods.Kinds)})." };
        var references = new Option<FileInfo>("--references") { Description = "Reference file.", DefaultValueFactory = _ => new FileInfo(RealReferencesCommand.DefaultPath) };
        var output = new Option<FileInfo?>("--out") { Description = "Also write every problem's scores and the summaries as JSON to this file." };
        var seed = CommonOptions.Seed();
        var command = new Command("real", "Score every method (amortized, laplace, corrected, auto, nuts) on the realistic suite against its references, per d bucket and per kind.")
        {
            models, methods, references, output, seed,
        };
        options.AddTo(command);
        command.Subcommands.Add(RealSuiteCommand.Create(io));
        command.Subcommands.Add(RealReferencesCommand.Create(io));
        command.SetAction((parse, cancellationToken) =>
        {
            var kinds = RealMethods.Parse(parse.GetValue(methods));
            int threads = options.ThreadCount(parse);
            var items = WithReferences(options.Select(parse), parse.GetValue(references)!);
            var loaded = LoadModels(kinds, parse.GetValue(models));
            var methodList = RealMethods.Create(kinds, loaded, threads, parse.GetValue(seed));
            var report = Run(io, items, methodList, loaded, threads, cancellationToken);
            if (parse.GetValue(output) is { } file)
            {
                io.WriteResult(JsonSerializer.Serialize(report, JsonOptions) + Environment.NewLine, file);
            }
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    /// <summary>Each problem with its reference; fails before any work when one is missing or stale.</summary>
    private static (SuiteProblem, ProblemReference)[] WithReferences(IReadOnlyList<SuiteProblem> problems, FileInfo file)
    {
        if (!file.Exists)
        {
            throw new InvalidInputException($"--references: file '{file.FullName}' does not exist; compute it with `afin bench real references --out {file.Name}`");
        }
        var set = ReferenceStore.Load(file.FullName);
        return problems.Select(p => (p, ReferenceStore.Require(set, p, file.Name))).ToArray();
    }

    /// <summary>The models the AFIN methods need (none when only laplace and nuts run); null file = the shipped model.</summary>
    private static (string? File, AfinModel Model)[] LoadModels(IReadOnlyList<string> kinds, FileInfo[]? files)
    {
        if (!kinds.Any(k => k is "amortized" or "corrected" or "auto"))
        {
            return [];
        }
        return files is { Length: > 0 }
            ? files.Select(f => ((string?)f.Name, InferCommand.LoadModel(f))).ToArray()
            : [(null, InferCommand.LoadModel(null))];
    }

    private static RealBenchReport Run(CommandIO io, (SuiteProblem, ProblemReference)[] items, IReadOnlyList<IRealMethod> methods,
        (string? File, AfinModel Model)[] models, int threads, CancellationToken cancellationToken)
    {
        string environment = BenchEnvironment.Describe();
        var modelNames = models.Select(m => m.File ?? AfinModel.DefaultModelName).ToArray();
        io.Output.WriteLine($"Realistic suite: {items.Length} problems; methods {string.Join(", ", methods.Select(m => m.Name))}; " +
            $"{(modelNames.Length > 0 ? $"models {string.Join(", ", modelNames)}; " : "")}{threads} threads; {environment}");
        io.Output.WriteLine();
        var results = new RealBenchRunner(methods, io.Error).Run(items, cancellationToken);
        var bucketOrder = results.OrderBy(r => r.D).Select(r => r.Bucket).Distinct().ToList();
        var buckets = RealBenchTable.Summarise(results, r => r.Bucket).OrderBy(r => bucketOrder.IndexOf(r.Group)).ToArray();
        var kinds = RealBenchTable.Summarise(results, r => r.Kind);
        var all = RealBenchTable.Summarise(results, _ => "all");
        RealBenchTable.Print(io.Output, "d bucket", [.. buckets, .. all]);
        RealBenchTable.PrintGrid(io.Output, "Median over each kind's problems of the largest |mean error| / reference sd", "kind", kinds, r => r.MaxSme);
        RealBenchTable.PrintGrid(io.Output, "Median over each kind's problems of KL(reference ‖ method) / d", "kind", kinds, r => r.KlPerDimension);
        var notes = Notes(results);
        foreach (var note in notes)
        {
            io.Output.WriteLine($"- {note}");
        }
        return new RealBenchReport(environment, threads, modelNames, methods.Select(m => m.Name).ToArray(), results, buckets, kinds, all, notes);
    }

    /// <summary>Laplace's non-convergence, auto's paths and every failure, one line each.</summary>
    private static List<string> Notes(IReadOnlyList<RealBenchResult> results)
    {
        var notes = new List<string>();
        foreach (var group in results.Where(r => r.MethodKind == "laplace").GroupBy(r => r.Method))
        {
            var bad = group.Where(r => !r.Converged).Select(r => r.Problem).ToArray();
            notes.Add($"{group.Key}: did not converge on {bad.Length} of {group.Count()} problems{(bad.Length > 0 ? $" ({string.Join(", ", bad)})" : "")}");
        }
        foreach (var group in results.Where(r => r.MethodKind == "auto").GroupBy(r => r.Method))
        {
            notes.Add($"{group.Key}: " + string.Join(", ", group.GroupBy(r => r.Path ?? "failed").Select(p => $"{p.Key} on {p.Count()}")));
        }
        foreach (var group in results.Where(r => r.MethodKind == "amortized" && r.Scores is not null).GroupBy(r => r.Method))
        {
            notes.Add(RangeCheckNote(group.Key, group.ToArray()));
        }
        notes.AddRange(results.Where(r => r.Error is not null).Select(r => $"{r.Method} failed on {r.Problem}: {r.Error}"));
        return notes;
    }

    private sealed record RealBenchReport(string Environment, int Threads, string[] Models, string[] Methods, IReadOnlyList<RealBenchResult> Results,
        IReadOnlyList<RealBenchRow> Buckets, IReadOnlyList<RealBenchRow> Kinds, IReadOnlyList<RealBenchRow> All, List<string> Notes);
}
