using System.CommandLine;

namespace Afin.Cli.Commands.Real;

/// <summary>
/// <c>afin bench real</c>: every method scored against long-run references on the realistic suite
/// (benchmarks/real/suite.json); <c>suite</c> lists the problems and <c>references</c> computes the references.
/// </summary>
internal static class RealBenchCommand
{
    internal static Command Create(CommandIO io)
    {
        var command = new Command("real", "Score every method (amortized, laplace, corrected, auto, nuts) on the realistic suite against its references.");
        command.Subcommands.Add(RealSuiteCommand.Create(io));
        command.Subcommands.Add(RealReferencesCommand.Create(io));
        return command;
    }
}
