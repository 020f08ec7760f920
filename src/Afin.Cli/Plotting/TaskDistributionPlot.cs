using ScottPlot;

namespace Afin.Cli.Plotting;

/// <summary>
/// The pictures of <c>afin train tasks-plot</c>: one statistic of two task distributions as histograms whose bars stand
/// side by side in each bin (shares of tasks, so samples of different sizes compare), or the shares of design column kinds.
/// </summary>
internal static class TaskDistributionPlot
{
    private const int Width = 640;
    private const int Height = 340;
    private static readonly Color FirstColour = Color.FromHex("#0072B2");
    private static readonly Color SecondColour = Color.FromHex("#D55E00");

    /// <summary>A histogram of <paramref name="first"/> and <paramref name="second"/> over <paramref name="bins"/> equal bins of [low, high]; the y axis names what is counted.</summary>
    internal static byte[] Histogram(string title, string xLabel, (string Name, IReadOnlyList<double> Values) first, (string Name, IReadOnlyList<double> Values) second,
        double low, double high, int bins, string yLabel = "share of tasks")
    {
        var plot = NewPlot(title, xLabel, yLabel);
        double width = (high - low) / bins;
        AddBars(plot, first.Name, Shares(first.Values, low, width, bins), low + 0.25 * width, width, FirstColour);
        AddBars(plot, second.Name, Shares(second.Values, low, width, bins), low + 0.75 * width, width, SecondColour);
        plot.Axes.SetLimitsX(low, high);
        return Render(plot);
    }

    /// <summary>Bars of the share of each column kind among all design columns, for both distributions.</summary>
    internal static byte[] Categories(string title, IReadOnlyList<string> categories, (string Name, double[] Counts) first, (string Name, double[] Counts) second)
    {
        var plot = NewPlot(title, "", "share of design columns");
        AddBars(plot, first.Name, Normalise(first.Counts), -0.2, 1, FirstColour);
        AddBars(plot, second.Name, Normalise(second.Counts), 0.2, 1, SecondColour);
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, categories.Count).Select(i => (double)i).ToArray(), categories.ToArray());
        plot.Axes.SetLimitsX(-0.6, categories.Count - 0.4);
        return Render(plot);
    }

    private static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Font.Set(PlotFonts.Sans);
        plot.Title(title, 15);
        plot.XLabel(xLabel, 13);
        plot.YLabel(yLabel, 13);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 12;
        plot.Axes.Left.TickLabelStyle.FontSize = 12;
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    /// <summary>One bar per bin, each half a bin wide, so the two distributions' bars of a bin stand side by side.</summary>
    private static void AddBars(Plot plot, string name, double[] shares, double firstCentre, double binWidth, Color colour)
    {
        var bars = shares.Select((s, i) => new Bar { Position = firstCentre + i * binWidth, Value = s, Size = 0.4 * binWidth, LineWidth = 0 }).ToArray();
        var plottable = plot.Add.Bars(bars);
        plottable.Color = colour;
        plottable.LegendText = name;
    }

    /// <summary>The share of values in each bin; values outside [low, high] fall into the nearest end bin.</summary>
    private static double[] Shares(IReadOnlyList<double> values, double low, double width, int bins)
    {
        var counts = new double[bins];
        foreach (double v in values)
        {
            counts[Math.Clamp((int)Math.Floor((v - low) / width), 0, bins - 1)]++;
        }
        return Normalise(counts);
    }

    private static double[] Normalise(double[] counts)
    {
        double total = counts.Sum();
        return counts.Select(c => total > 0 ? c / total : 0).ToArray();
    }

    private static byte[] Render(Plot plot)
    {
        using var canvas = new PngCanvas(Width, Height);
        canvas.Draw(plot, 0, 0, Width, Height);
        return canvas.EncodePng();
    }
}
