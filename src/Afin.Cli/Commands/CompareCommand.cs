using System.CommandLine;
using Afin.Cli.Comparison;
using Afin.Cli.Plotting;
using Afin.References;

namespace Afin.Cli.Commands;

/// <summary>
/// <c>afin compare --problem FILE [--model FILE] [--plot out.png] ...</c>: AFIN, AFIN+SNIS, Auto, NUTS and (for a conjugate
/// problem) the exact posterior of one problem, scored against the best reference in a Markdown table and, with
/// --plot, drawn together in a corner plot.
/// </summary>
internal static class CompareCommand
{
    /// <summary>The most coordinates a corner plot shows; beyond that its panels get too small to read.</summary>
    internal const int MaxPlotCoordinates = 6;

    internal static Command Create(CommandIO io)
    {
        var problem = CommonOptions.Problem();
        var seed = CommonOptions.Seed();
        var model = new Option<FileInfo?>("--model", "-m") { Description = "Model file; the default model shipped with the library when omitted." };
        var plot = new Option<FileInfo?>("--plot") { Description = "Write a corner plot of the methods (PNG) to this file." };
        var draws = new Option<int>("--draws") { Description = "Draws from AFIN and for importance sampling (also resampled draws).", DefaultValueFactory = _ => 4000 };
        var coordinates = new Option<int>("--coordinates") { Description = $"Coordinates shown in the plot (1..{MaxPlotCoordinates}); the first ones.", DefaultValueFactory = _ => MaxPlotCoordinates };
        var nutsDraws = new Option<int>("--nuts-draws") { Description = "NUTS draws per chain after warm-up.", DefaultValueFactory = _ => 1000 };
        var nutsWarmup = new Option<int>("--nuts-warmup") { Description = "NUTS warm-up iterations per chain.", DefaultValueFactory = _ => 1000 };
        var chains = new Option<int>("--chains") { Description = "NUTS chains, run in parallel.", DefaultValueFactory = _ => 4 };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the results as JSON to this file." };
        var command = new Command("compare", "AFIN, AFIN+SNIS, Auto, NUTS and exact (when conjugate) on one problem: a metrics table and, with --plot, a corner plot.")
        {
            problem, model, plot, draws, coordinates, nutsDraws, nutsWarmup, chains, seed, json,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var problemFile = parse.GetValue(problem)!;
            var spec = CommandIO.ReadProblem(problemFile);
            var settings = Settings(parse.GetValue(draws), parse.GetValue(seed), parse.GetValue(nutsDraws), parse.GetValue(nutsWarmup), parse.GetValue(chains), spec.Dimension);
            int shown = PlotCoordinates(parse.GetValue(coordinates), spec.Dimension);
            var afin = InferCommand.LoadModel(parse.GetValue(model));
            var methods = ComparisonRunner.Run(spec, afin, settings, io.Error, cancellationToken);
            var report = new ComparisonReport(problemFile.Name, spec, methods, settings);
            if (parse.GetValue(plot) is { } plotFile)
            {
                PlotFonts.WarnIfMissing(io.Error);
                PngFile.Write(plotFile, CornerPlot.Render(report, shown));
                io.Error.WriteLine($"plot: {plotFile.FullName}");
            }
            if (parse.GetValue(json) is { } jsonFile)
            {
                io.WriteResult(report.ToJson(), jsonFile);
            }
            io.Output.Write(report.ToMarkdown());
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static ComparisonSettings Settings(int draws, int seed, int nutsDraws, int nutsWarmup, int chains, int dimension)
    {
        if (draws < 2)
        {
            throw new InvalidInputException($"--draws: expected at least 2, got {draws}");
        }
        var nuts = new NutsOptions { Draws = nutsDraws, Warmup = nutsWarmup, Chains = chains, Seed = seed };
        try
        {
            nuts.Validate(dimension);
        }
        catch (ArgumentException e)
        {
            throw new InvalidInputException($"compare: NUTS: {e.Message}");
        }
        return new ComparisonSettings(draws, seed, nuts);
    }

    private static int PlotCoordinates(int requested, int dimension)
    {
        if (requested is < 1 or > MaxPlotCoordinates)
        {
            throw new InvalidInputException($"--coordinates: expected 1..{MaxPlotCoordinates}, got {requested}");
        }
        return Math.Min(requested, dimension);
    }
}
