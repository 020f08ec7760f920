using System.CommandLine;

namespace Afin.Cli.Commands.Sbi;

/// <summary><c>afin sbi ...</c>: amortized inference for simulators (neural Bayes estimators, posterior and ratio estimation).</summary>
internal static class SbiCommand
{
    internal static Command Create(CommandIO io)
    {
        var command = new Command("sbi", "Simulation-based amortized inference: simulate, train NBE/NPE/NRE estimators, and infer from data sets.");
        command.Subcommands.Add(SbiSimulateCommand.Create(io));
        command.Subcommands.Add(SbiTrainCommand.Create(io));
        command.Subcommands.Add(SbiInferCommand.Create(io));
        return command;
    }
}
