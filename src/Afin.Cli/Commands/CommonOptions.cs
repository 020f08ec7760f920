using System.CommandLine;

namespace Afin.Cli.Commands;

/// <summary>Options shared by several commands, created fresh for each command.</summary>
internal static class CommonOptions
{
    internal static Option<FileInfo> Problem() => new("--problem", "-p")
    {
        Description = "Problem JSON file (see docs/interchange-format.md).",
        Required = true,
    };

    internal static Option<FileInfo?> Output() => new("--output", "-o")
    {
        Description = "Write the posterior JSON to this file instead of standard output.",
    };

    internal static Option<int> Seed() => new("--seed")
    {
        Description = "Random seed; the same seed gives the same result.",
        DefaultValueFactory = _ => 0,
    };

    internal static Option<int> Samples() => new("--samples")
    {
        Description = "Number of posterior draws to write to --samples-out.",
        DefaultValueFactory = _ => 0,
    };

    internal static Option<FileInfo?> SamplesOut() => new("--samples-out")
    {
        Description = "CSV file for the draws (one per line).",
    };

    /// <summary>The file to write <paramref name="count"/> draws to, or null when none are asked for.</summary>
    /// <exception cref="InvalidInputException">Only one of --samples and --samples-out is given, or the count is negative.</exception>
    internal static FileInfo? SamplesFile(int count, FileInfo? file)
    {
        if (count < 0 || (count > 0) != (file is not null))
        {
            throw new InvalidInputException("--samples N (N > 0) and --samples-out FILE go together");
        }
        return file;
    }
}
