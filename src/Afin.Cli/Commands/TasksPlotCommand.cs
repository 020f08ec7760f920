using System.CommandLine;
using Afin.Cli.Plotting;
using Afin.Training;

namespace Afin.Cli.Commands;

/// <summary>
/// <c>afin train tasks-plot --out-dir DIR</c>: draws what the synthetic and the realistic task distributions' tasks look
/// like, side by side, one PNG per statistic (the pictures of docs/models.md, "The training distribution").
/// </summary>
internal static class TasksPlotCommand
{
    internal static Command Create(CommandIO io)
    {
        var outDir = new Option<DirectoryInfo>("--out-dir") { Description = "Where to write tasks-*.png.", Required = true };
        var count = new Option<int>("--count") { Description = "Tasks drawn from each distribution.", DefaultValueFactory = _ => 4000 };
        var seed = CommonOptions.Seed();
        var command = new Command("tasks-plot", "Draw histograms of the synthetic and realistic task distributions (d, N, positive rates, column scales and kinds, condition numbers, prior scales).")
        {
            outDir, count, seed,
        };
        command.SetAction(parse =>
        {
            int n = parse.GetValue(count);
            if (n < 1)
            {
                throw new InvalidInputException($"tasks-plot: --count must be positive, got {n}");
            }
            PlotFonts.WarnIfMissing(io.Error);
            var synthetic = ("synthetic", TaskStatistics.Measure(new TaskDistribution(), n, parse.GetValue(seed)));
            var realistic = ("realistic", TaskStatistics.Measure(TaskDistribution.Realistic, n, parse.GetValue(seed)));
            foreach (var (name, png) in Pictures(synthetic, realistic))
            {
                var file = new FileInfo(Path.Combine(parse.GetValue(outDir)!.FullName, $"tasks-{name}.png"));
                PngFile.Write(file, png);
                io.Error.WriteLine($"tasks-plot: {file.FullName}");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static IEnumerable<(string Name, byte[] Png)> Pictures((string Name, TaskStatistics S) a, (string Name, TaskStatistics S) b)
    {
        yield return ("dimension", TaskDistributionPlot.Histogram("Latent dimension d (per micro-batch)", "d",
            (a.Name, a.S.Dimension), (b.Name, b.S.Dimension), 0.5, 32.5, 32));
        yield return ("sites", TaskDistributionPlot.Histogram("Likelihood sites N", "log10 N",
            (a.Name, a.S.Sites.Select(Math.Log10).ToArray()), (b.Name, b.S.Sites.Select(Math.Log10).ToArray()), 0, 2.75, 22));
        yield return ("positive-rate", TaskDistributionPlot.Histogram("Positive rate of tasks with logit sites", "positives / trials",
            (a.Name, a.S.PositiveRate), (b.Name, b.S.PositiveRate), 0, 1, 25));
        yield return ("scale-spread", TaskDistributionPlot.Histogram("Spread of column scales: largest / smallest column sd", "log10 ratio",
            (a.Name, a.S.ScaleSpread), (b.Name, b.S.ScaleSpread), 0, 4, 24));
        yield return ("condition", TaskDistributionPlot.Histogram("Condition number of the columns' correlation matrix", "log10 condition number",
            (a.Name, a.S.Condition), (b.Name, b.S.Condition), 0, 5, 25));
        yield return ("prior-scale", TaskDistributionPlot.Histogram("Prior scale of each coordinate", "log10 scale",
            (a.Name, a.S.PriorScale), (b.Name, b.S.PriorScale), -4, 2.5, 26, "share of prior coordinates"));
        yield return ("student-t-pull", TaskDistributionPlot.Histogram("Pull of the data on Student-t priors: max |mode - centre| / scale", "log10 prior scales",
            (a.Name, a.S.StudentTPull), (b.Name, b.S.StudentTPull), -2.5, 2, 18, "share of Student-t-prior tasks"));
        yield return ("column-kinds", TaskDistributionPlot.Categories("What design columns hold",
            TaskStatistics.Kinds.Select(k => k == DesignColumnKind.OneHot ? "one-hot" : k.ToString().ToLowerInvariant()).ToArray(), (a.Name, a.S.ColumnCounts), (b.Name, b.S.ColumnCounts)));
    }
}
