using System.CommandLine;
using System.Text.RegularExpressions;
using Afin.Cli.Benchmarks.Real;

namespace Afin.Cli.Commands.Real;

/// <summary>The options every <c>afin bench real</c> command shares: which suite, which of its problems, how many threads.</summary>
internal sealed class RealSuiteOptions
{
    internal Option<FileInfo?> Suite { get; } = new("--suite")
    {
        Description = "Suite description file (default: the built-in copy of benchmarks/real/suite.json).",
    };

    internal Option<string?> Filter { get; } = new("--filter")
    {
        Description = "Only problems whose name, kind or d bucket matches this regular expression (e.g. 'logistic', '-d2-', '^lasso-d5-n20$').",
    };

    internal Option<int> Threads { get; } = new("--threads")
    {
        Description = "Threads to use at most (NUTS chains at once, importance-sampling workers).",
        DefaultValueFactory = _ => Math.Min(2, Environment.ProcessorCount),
    };

    internal void AddTo(Command command)
    {
        command.Options.Add(Suite);
        command.Options.Add(Filter);
        command.Options.Add(Threads);
    }

    /// <summary>The suite's problems that pass the filter, in the suite's order.</summary>
    /// <exception cref="InvalidInputException">The filter is not a valid expression or selects nothing.</exception>
    internal IReadOnlyList<SuiteProblem> Select(ParseResult parse)
    {
        var problems = RealisticSuite.Generate(RealisticSuite.LoadDescription(parse.GetValue(Suite)));
        if (parse.GetValue(Filter) is not { } pattern)
        {
            return problems;
        }
        Regex filter;
        try
        {
            filter = new Regex(pattern, RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            throw new InvalidInputException($"--filter: not a valid regular expression: {e.Message}");
        }
        var selected = problems.Where(p => filter.IsMatch(p.Name) || filter.IsMatch(p.Kind) || filter.IsMatch(p.Bucket)).ToArray();
        return selected.Length > 0 ? selected : throw new InvalidInputException($"--filter '{pattern}' matches none of the suite's {problems.Count} problems");
    }

    /// <summary>The --threads value, checked.</summary>
    internal int ThreadCount(ParseResult parse)
    {
        int threads = parse.GetValue(Threads);
        return threads >= 1 ? threads : throw new InvalidInputException($"--threads must be at least 1, got {threads}");
    }
}
