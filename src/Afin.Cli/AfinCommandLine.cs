using System.CommandLine;
using Afin.Cli.Commands;
using Afin.Modelling;

namespace Afin.Cli;

/// <summary>Builds the <c>afin</c> command tree and maps failures onto the contract's exit codes.</summary>
internal static class AfinCommandLine
{
    internal static RootCommand Build(CommandIO io)
    {
        var root = new RootCommand("Bayesian posteriors for factor models: AFIN (one forward pass of a trained network), exact (conjugate), NUTS reference sampling, the Laplace approximation, training and benchmarks.");
        root.Subcommands.Add(ExactCommand.Create(io));
        root.Subcommands.Add(NutsCommand.Create(io));
        root.Subcommands.Add(LaplaceCommand.Create(io));
        root.Subcommands.Add(InferCommand.Create(io));
        root.Subcommands.Add(PredictCommand.Create(io));
        root.Subcommands.Add(CompareCommand.Create(io));
        root.Subcommands.Add(TrainCommand.Create(io));
        root.Subcommands.Add(Commands.Sbi.SbiCommand.Create(io));
        root.Subcommands.Add(BenchCommand.Create(io));
        return root;
    }

    /// <summary>Parses and runs one command line; returns 0 on success, 2 on invalid input, 1 otherwise.</summary>
    internal static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var io = new CommandIO(output, error);
        var parse = Build(io).Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors)
            {
                error.WriteLine($"error: {e.Message}");
            }
            error.WriteLine("Run 'afin --help' for usage.");
            return ExitCodes.InvalidInput;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (ProblemValidationException e)
        {
            error.WriteLine($"error: invalid problem: {e.Message}");
            return ExitCodes.InvalidInput;
        }
        catch (InvalidInputException e)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitCodes.InvalidInput;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("cancelled");
            return ExitCodes.Failure;
        }
        catch (Exception e)
        {
            // AFIN_TRACE=1 prints the whole exception, for bug reports.
            error.WriteLine(Environment.GetEnvironmentVariable("AFIN_TRACE") == "1" ? $"error: {e}" : $"error: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
