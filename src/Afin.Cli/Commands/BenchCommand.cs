using System.CommandLine;

namespace Afin.Cli.Commands;

/// <summary><c>afin bench ...</c>: benchmark commands whose figures go into docs/benchmarks.md.</summary>
internal static class BenchCommand
{
    internal static Command Create(CommandIO io)
    {
        var command = new Command("bench", "Benchmarks (speed and accuracy), printed as a Markdown table with an optional JSON file.");
        command.Subcommands.Add(AfinBenchCommand.Create(io));
        command.Subcommands.Add(NutsBenchCommand.Create(io));
        command.Subcommands.Add(MlnetBenchCommand.Create(io));
        command.Subcommands.Add(LatencyBenchCommand.Create(io));
        command.Subcommands.Add(CorrectionBenchCommand.Create(io));
        command.Subcommands.Add(Review.ReviewBenchCommand.Create(io));
        command.Subcommands.Add(Real.RealBenchCommand.Create(io));
        command.Subcommands.Add(FitBenchCommand.Create(io));
        command.Subcommands.Add(PredictBenchCommand.Create(io));
        return command;
    }
}
