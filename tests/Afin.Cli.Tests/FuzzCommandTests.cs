using System.Diagnostics;
using System.Text.Json;
using Afin.Fuzzing;
using Afin.Modelling;

namespace Afin.Cli.Tests;

/// <summary>
/// Mutation fuzzing of the command line (issue 15): <c>afin exact</c>, <c>afin laplace</c> and
/// <c>afin infer --mode amortized</c> on mutated sample problems either answer (exit 0, a posterior file of valid JSON
/// with finite numbers only) or reject the input (exit 2, a message that names the field, no output file); never
/// exit 1. AFIN_FUZZ_CASES=1000 runs the long campaign instead of the quick one; AFIN_FUZZ_LOG=FILE writes every case
/// with its exit code and first message there, to read the rejections.
/// </summary>
[TestClass]
public sealed class FuzzCommandTests
{
    /// <summary>Cases of the quick run, a third per command: a few seconds.</summary>
    private const int QuickCases = 90;

    /// <summary>Seed numbers start here so that the command line sees other documents than the library's fuzz test.</summary>
    private const int FirstSeed = 100_000;

    public TestContext TestContext { get; set; } = null!;

    private static int Cases => int.TryParse(Environment.GetEnvironmentVariable("AFIN_FUZZ_CASES"), out int n) && n > 0 ? n : QuickCases;

    [TestMethod]
    public void MutatedProblemsAreAnsweredOrRejectedWithAFieldPath()
    {
        var sources = FuzzSources.Load(CliRunner.Problem(""));
        var any = new ProblemMutator(sources);
        // exact rejects every non-conjugate problem unread; mutating conjugate sources only makes its cases count.
        var conjugate = new ProblemMutator(sources.Where(s => ProblemJson.Parse(s.Json).IsConjugate).ToList());
        string[][] commands = [["exact"], ["laplace"], ["infer", "--mode", "amortized"]];
        var counts = new Dictionary<string, int>();
        var failures = new List<string>();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < Cases; i++)
        {
            var command = commands[i % commands.Length];
            var mutated = (command[0] == "exact" ? conjugate : any).Mutate(FirstSeed + i);
            string? failure = Run(command, mutated, out string outcome, out string message);
            if (Environment.GetEnvironmentVariable("AFIN_FUZZ_LOG") is { Length: > 0 } log)
            {
                File.AppendAllText(log, $"afin {string.Join(' ', command)}: {mutated}\n    {(failure is null ? outcome : "INTERNAL")}: {message}\n");
            }
            if (failure is null)
            {
                string key = $"{command[0]} {outcome}";
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
            else
            {
                failures.Add($"afin {string.Join(' ', command)}: {mutated}\n    {failure}");
            }
        }
        int Total(string outcome) => counts.Where(c => c.Key.EndsWith(outcome, StringComparison.Ordinal)).Sum(c => c.Value);
        TestContext.WriteLine($"{Cases} mutated problems in {clock.Elapsed.TotalSeconds:F1} s: {Total("answered")} answered, " +
            $"{Total("rejected")} rejected with a field path, {failures.Count} internal errors " +
            $"({string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}"))})");
        Assert.IsEmpty(failures, string.Join("\n", failures.Take(25)));
    }

    /// <summary>Runs one command on one document; returns what broke the contract, or null with the outcome's name.</summary>
    private static string? Run(string[] command, MutatedProblem mutated, out string outcome, out string message)
    {
        outcome = "";
        message = "";
        string problem = CliRunner.TempFile(".json");
        string output = CliRunner.TempFile(".json");
        File.WriteAllText(problem, mutated.Json);
        (int ExitCode, string Output, string Error) run;
        try
        {
            run = CliRunner.Run([.. command, "--problem", problem, "--output", output]);
        }
        catch (Exception e)
        {
            return $"the command threw {e.GetType().Name}: {e.Message}";
        }
        finally
        {
            File.Delete(problem);
        }
        string firstError = run.Error.Split('\n').FirstOrDefault(line => line.StartsWith("error:", StringComparison.Ordinal)) ?? run.Error.Trim();
        message = firstError;
        switch (run.ExitCode)
        {
            case 0:
                outcome = "answered";
                return AnswerProblem(output);
            case 2:
                outcome = "rejected";
                if (File.Exists(output))
                {
                    return $"exit 2 but the output file was written ({firstError})";
                }
                return NamesAField(firstError) ? null : $"exit 2 without a field path: {firstError}";
            default:
                return $"exit {run.ExitCode}: {firstError}";
        }
    }

    /// <summary>Null when the output file holds a posterior of valid JSON whose every number is finite.</summary>
    private static string? AnswerProblem(string output)
    {
        if (!File.Exists(output))
        {
            return "exit 0 but no output file";
        }
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(output));
            File.Delete(output);
            return NonFiniteNumber(json.RootElement, "");
        }
        catch (JsonException e)
        {
            return $"exit 0 but the output is not valid JSON: {e.Message}";
        }
    }

    private static string? NonFiniteNumber(JsonElement element, string path) => element.ValueKind switch
    {
        JsonValueKind.Number => element.TryGetDouble(out double value) && double.IsFinite(value) ? null : $"exit 0 but {path} is {element.GetRawText()}",
        JsonValueKind.Object => element.EnumerateObject().Select(p => NonFiniteNumber(p.Value, $"{path}.{p.Name}")).FirstOrDefault(f => f is not null),
        JsonValueKind.Array => element.EnumerateArray().Select((e, i) => NonFiniteNumber(e, $"{path}[{i}]")).FirstOrDefault(f => f is not null),
        _ => null,
    };

    /// <summary>
    /// A message that starts with the path (an invalid problem, or a family the model has no adapter for), or exact's
    /// refusal of a non-conjugate problem, which names the family field.
    /// </summary>
    private static bool NamesAField(string error) =>
        FieldPath.InCliMessage(error) is { } path ? FieldPath.IsValid(path)
            : System.Text.RegularExpressions.Regex.IsMatch(error, @"^error: exact: the problem is not conjugate: (prior|observations\[\d+\])\.family is ");
}
