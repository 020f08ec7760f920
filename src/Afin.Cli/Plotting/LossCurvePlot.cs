using ScottPlot;

namespace Afin.Cli.Plotting;

/// <summary>
/// The picture of <c>afin train --plot-loss</c>: three panels on a shared step axis, the training loss per
/// reported step, then the validation median SME and the validation median KL/d at each validation.
/// Separate panels rather than two y axes on one, where two curves scaled to fill their axes can hide each other.
/// </summary>
internal static class LossCurvePlot
{
    private const int Width = 1000;
    private const int HeaderHeight = 56;
    private const int LossHeight = 320;
    private const int ValidationHeight = 250;
    private const int StepLabelHeight = 24;
    private static readonly Color LossColour = Color.FromHex("#0072B2");
    private static readonly Color SmeColour = Color.FromHex("#009E73");
    private static readonly Color KlColour = Color.FromHex("#D55E00");

    /// <summary>The picture's height in pixels.</summary>
    internal const int Height = HeaderHeight + LossHeight + 2 * ValidationHeight + StepLabelHeight;

    /// <summary>
    /// Writes the picture to <paramref name="destination"/> when one was asked for; warns instead when the run
    /// reported nothing to draw.
    /// </summary>
    internal static void Write(FileInfo? destination, TrainingHistory history, string title, TextWriter error)
    {
        if (destination is null)
        {
            return;
        }
        if (history.IsEmpty)
        {
            error.WriteLine($"plot-loss: nothing was reported, so {destination.FullName} was not written");
            return;
        }
        PlotFonts.WarnIfMissing(error);
        PngFile.Write(destination, Render(history, title));
        error.WriteLine($"plot-loss: {destination.FullName}");
    }

    /// <summary>The picture as PNG bytes.</summary>
    internal static byte[] Render(TrainingHistory history, string title)
    {
        var (first, last) = StepRange(history);
        var validationSteps = history.Validation.Select(v => (double)v.Step).ToArray();
        using var canvas = new PngCanvas(Width, Height);
        canvas.Text(title, 16, 34, 20, bold: true);
        var loss = Panel("Training loss: mean -log q(z0) / d since the previous report", "loss", first, last,
            history.Loss.Select(p => (double)p.Step).ToArray(), history.Loss.Select(p => p.Loss).ToArray(), LossColour, markers: history.Loss.Count < 40);
        canvas.Draw(loss, 0, HeaderHeight, Width, LossHeight);
        var sme = Panel("Validation on held-out conjugate problems: median SME (|mean error| / exact sd)", "median SME", first, last,
            validationSteps, history.Validation.Select(v => v.MedianStandardisedMeanError).ToArray(), SmeColour, markers: true);
        canvas.Draw(sme, 0, HeaderHeight + LossHeight, Width, ValidationHeight);
        var kl = Panel("Validation: median KL(exact || AFIN) / d", "median KL / d (nats)", first, last,
            validationSteps, history.Validation.Select(v => v.MedianKlPerDimension).ToArray(), KlColour, markers: true);
        kl.XLabel("step", 15);
        kl.Layout.Fixed(Padding(StepLabelHeight));
        canvas.Draw(kl, 0, HeaderHeight + LossHeight + ValidationHeight, Width, ValidationHeight + StepLabelHeight);
        return canvas.EncodePng();
    }

    private static Plot Panel(string title, string yLabel, double first, double last, double[] steps, double[] values, Color colour, bool markers)
    {
        var plot = new Plot();
        plot.Font.Set(PlotFonts.Sans);
        plot.Layout.Fixed(Padding(0));
        plot.Title(title, 15);
        plot.YLabel(yLabel, 15);
        plot.Axes.SetLimitsX(first - 0.02 * (last - first), last + 0.02 * (last - first));
        plot.Axes.Bottom.TickLabelStyle.FontSize = 13;
        plot.Axes.Left.TickLabelStyle.FontSize = 13;
        if (values.Length == 0)
        {
            plot.Add.Annotation("nothing to draw in this run", Alignment.MiddleCenter);
            return plot;
        }
        var line = plot.Add.ScatterLine(steps, values);
        line.Color = colour;
        line.LineWidth = 2;
        line.MarkerSize = markers ? 7 : 0;
        SetPaddedLimitsY(plot, values);
        return plot;
    }

    /// <summary>The same left and right padding in every panel, so that their step axes line up.</summary>
    private static PixelPadding Padding(float extraBottom) => new(left: 84, right: 24, bottom: 30 + extraBottom, top: 34);

    /// <summary>The data's range plus a tenth on each side, so markers at the extremes are not cut by the frame.</summary>
    private static void SetPaddedLimitsY(Plot plot, double[] values)
    {
        double low = values.Min(), high = values.Max();
        double pad = high > low ? 0.1 * (high - low) : Math.Max(1e-3, 0.05 * Math.Abs(high));
        plot.Axes.SetLimitsY(low - pad, high + pad);
    }

    /// <summary>The steps shown: those reported, padded so that a single report is not a zero-width axis.</summary>
    private static (double First, double Last) StepRange(TrainingHistory history)
    {
        var steps = history.Loss.Select(p => p.Step).Concat(history.Validation.Select(v => v.Step)).ToArray();
        double first = steps.Min(), last = steps.Max();
        return first == last ? (first - 1, last + 1) : (first, last);
    }
}
