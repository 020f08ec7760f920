using Afin.Prediction;
using ScottPlot;

namespace Afin.Cli.Plotting;

/// <summary>
/// The picture of <c>afin predict --calibration-plot</c> on rows with observed values: for binary rows a reliability
/// diagram (observed frequency of y = 1 against the predicted probability, in ten bins, with each bin's row count); for
/// the other families interval coverage (the share of observations inside their central intervals against the nominal
/// level, from 10% to 95%). A calibrated posterior keeps to the diagonal.
/// </summary>
internal static class CalibrationPlot
{
    private const int Width = 760, Height = 640, HeaderHeight = 56;
    internal static readonly double[] CoverageLevels = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95];
    private static readonly Color PointColour = Color.FromHex("#0072B2");

    /// <summary>A reliability diagram of P(y = 1) against the observed labels.</summary>
    internal static byte[] Reliability(IReadOnlyList<double> probability, IReadOnlyList<double> y, string title)
    {
        var (predicted, observed, counts) = Bins(probability, y);
        var plot = Frame("predicted P(y = 1)", "observed frequency of y = 1");
        var points = plot.Add.ScatterPoints(predicted, observed);
        points.Color = PointColour;
        points.MarkerSize = 9;
        for (int b = 0; b < predicted.Length; b++)
        {
            plot.Add.Text($"{counts[b]}", predicted[b] + 0.015, observed[b] + 0.02).LabelFontSize = 12;
        }
        return Render(plot, title, "points: rows binned by predicted probability (tenths), labelled with the bin's row count");
    }

    /// <summary>Observed coverage of the central intervals at each nominal level.</summary>
    internal static byte[] Coverage(IReadOnlyList<double> nominal, IReadOnlyList<double> observed, string title)
    {
        var plot = Frame("nominal level of the central interval", "share of observations inside");
        var line = plot.Add.ScatterLine(nominal.ToArray(), observed.ToArray());
        line.Color = PointColour;
        line.LineWidth = 2;
        line.MarkerSize = 8;
        return Render(plot, title, "each point: the intervals at one level, over all rows");
    }

    /// <summary>Mean predicted probability, observed frequency and count of each non-empty tenth.</summary>
    internal static (double[] Predicted, double[] Observed, int[] Counts) Bins(IReadOnlyList<double> probability, IReadOnlyList<double> y)
    {
        var bins = Enumerable.Range(0, probability.Count).GroupBy(i => Math.Min(9, (int)(probability[i] * 10))).OrderBy(g => g.Key).ToArray();
        return (bins.Select(g => g.Average(i => probability[i])).ToArray(), bins.Select(g => g.Average(i => y[i])).ToArray(), bins.Select(g => g.Count()).ToArray());
    }

    private static Plot Frame(string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Font.Set(PlotFonts.Sans);
        plot.XLabel(xLabel, 15);
        plot.YLabel(yLabel, 15);
        var diagonal = plot.Add.Line(0, 0, 1, 1);
        diagonal.Color = Colors.Gray;
        diagonal.LinePattern = LinePattern.Dashed;
        plot.Axes.SetLimits(0, 1, 0, 1.05);
        return plot;
    }

    private static byte[] Render(Plot plot, string title, string note)
    {
        using var canvas = new PngCanvas(Width, Height);
        canvas.Text(title, 16, 30, 16, bold: true);
        canvas.Text(note + "; dashed: perfect calibration", 16, 50, 13);
        canvas.Draw(plot, 0, HeaderHeight, Width, Height - HeaderHeight);
        return canvas.EncodePng();
    }
}
