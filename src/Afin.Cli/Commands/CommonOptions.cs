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
}
