using System.CommandLine;
using System.Globalization;
using Afin.Cli.Benchmarks.Real;
using Afin.Modelling;

namespace Afin.Cli.Commands.Real;

/// <summary><c>afin bench real suite [--out DIR]</c>: lists the realistic suite's problems and can write each as problem JSON.</summary>
internal static class RealSuiteCommand
{
    internal static Command Create(CommandIO io)
    {
        var options = new RealSuiteOptions();
        var output = new Option<DirectoryInfo?>("--out") { Description = "Also write every problem as NAME.json (the problem format of `afin nuts`, `afin infer`) into this folder." };
        var command = new Command("suite", "List the realistic suite's problems (name, kind, bucket, d, N, families, response summary).") { output };
        options.AddTo(command);
        command.SetAction(parse =>
        {
            var problems = options.Select(parse);
            io.Output.WriteLine("| problem | kind | bucket | d | N | prior | blocks | responses | hash |");
            io.Output.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
            foreach (var p in problems)
            {
                io.Output.WriteLine($"| {p.Name} | {p.Kind} | {p.Bucket} | {p.Problem.Dimension} | {p.Problem.ObservationCount} | {p.Problem.Prior.Family} | " +
                    $"{string.Join(" + ", p.Problem.Blocks.Select(b => b.Family))} | {string.Join("; ", p.Problem.Blocks.Select(Summary))} | {p.Hash[..12]} |");
            }
            if (parse.GetValue(output) is { } folder)
            {
                folder.Create();
                foreach (var p in problems)
                {
                    ProblemJson.Save(p.Problem, Path.Combine(folder.FullName, p.Name + ".json"));
                }
                io.Error.WriteLine($"wrote {problems.Count} problems to {folder.FullName}");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The share of successes of a logit block, the rate of a Poisson block, the range of y otherwise.</summary>
    private static string Summary(ObservationBlock block) => block switch
    {
        BernoulliLogitBlock b => $"{b.Y.Average():P0} positive",
        BinomialLogitBlock b => $"{b.Y.Sum() / b.TotalCount.Sum():P0} successes",
        PoissonLogBlock b => string.Create(CultureInfo.InvariantCulture, $"{b.Y.Sum() / b.Offset.Sum(Math.Exp):G3} per unit exposure"),
        LinearBlock b => string.Create(CultureInfo.InvariantCulture, $"y in [{b.Y.Min():G3}, {b.Y.Max():G3}]"),
        _ => $"{block.Count} rows",
    };
}
