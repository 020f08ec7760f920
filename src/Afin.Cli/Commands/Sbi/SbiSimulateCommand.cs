using System.CommandLine;
using Afin.Simulation;

namespace Afin.Cli.Commands.Sbi;

/// <summary><c>afin sbi simulate --simulator NAME --count N --out FILE</c>: a seeded, stored simulation set.</summary>
internal static class SbiSimulateCommand
{
    internal static Command Create(CommandIO io)
    {
        var simulator = SbiOptions.Simulator();
        var count = new Option<int>("--count") { Description = "Number of simulations.", DefaultValueFactory = _ => 16_000 };
        var seed = CommonOptions.Seed();
        var output = new Option<FileInfo>("--out") { Description = "Where to write the simulation set.", Required = true };
        var command = new Command("simulate", "Draw parameters from the simulator's prior and simulate a data set for each; writes a stored simulation set.")
        {
            simulator, count, seed, output,
        };
        command.SetAction((parse, cancellation) =>
        {
            int n = parse.GetValue(count);
            if (n < 1)
            {
                throw new InvalidInputException($"--count: {n}; expected at least 1");
            }
            var (prior, sim) = BuiltInSimulators.Create(parse.GetValue(simulator)!);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var set = SimulationSet.Simulate(prior, sim, n, parse.GetValue(seed), cancellation);
            var file = parse.GetValue(output)!;
            file.Directory?.Create();
            set.Save(file.FullName);
            io.Error.WriteLine($"wrote {file.FullName}: {set.Count} simulations of {set.Shape} in {clock.Elapsed.TotalSeconds:F1} s");
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }
}
