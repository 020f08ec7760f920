using Afin.Cli.Comparison;

namespace Afin.Cli.Plotting;

/// <summary>
/// The picture of <c>afin compare --plot</c>: a corner plot of the first k coordinates in which every method is
/// drawn in its own colour, with the metrics table in the otherwise empty upper triangle.
/// </summary>
internal static class CornerPlot
{
    /// <summary>Each axis spans the reference's mean ± this many sd, widened to show every method's bulk.</summary>
    private const double ReferenceSpan = 4;

    /// <summary>How far (in the method's own sd) a method's bulk must be visible.</summary>
    private const double MethodSpan = 3.5;

    /// <summary>No axis is wider than this many reference sd, so one wild method cannot flatten the others.</summary>
    private const double MaxSpan = 12;

    /// <summary>Renders the corner plot of the first <paramref name="coordinates"/> coordinates as PNG bytes.</summary>
    internal static byte[] Render(ComparisonReport report, int coordinates)
    {
        var layout = new CornerLayout(coordinates);
        var panels = new CornerPanels(report, Ranges(report, coordinates));
        using var canvas = new PngCanvas(layout.Width, layout.Height);
        for (int row = 0; row < coordinates; row++)
        {
            for (int column = 0; column <= row; column++)
            {
                var (left, top, width, height, padding) = layout.Panel(row, column);
                bool bottomRow = row == coordinates - 1;
                var plot = row == column ? panels.Diagonal(row, padding, bottomRow) : panels.Pair(row, column, padding, bottomRow, column == 0);
                canvas.Draw(plot, (int)left, (int)top, (int)width, (int)height);
            }
        }
        CornerHeader.Draw(canvas, report, coordinates);
        if (layout.TableBlock() is { } block)
        {
            CornerHeader.DrawTable(canvas, report, block);
        }
        return canvas.EncodePng();
    }

    private static AxisRange[] Ranges(ComparisonReport report, int coordinates)
    {
        var reference = report.Reference;
        var referenceSd = reference.StandardDeviations;
        return Enumerable.Range(0, coordinates).Select(i =>
        {
            var range = new AxisRange(reference.Mean[i] - ReferenceSpan * referenceSd[i], reference.Mean[i] + ReferenceSpan * referenceSd[i]);
            foreach (var method in report.Methods)
            {
                double mean = method.Mean[i], sd = method.StandardDeviations[i];
                if (double.IsFinite(mean) && double.IsFinite(sd))
                {
                    range = range.Union(new AxisRange(mean - MethodSpan * sd, mean + MethodSpan * sd));
                }
            }
            return new AxisRange(Math.Max(range.Min, reference.Mean[i] - MaxSpan * referenceSd[i]), Math.Min(range.Max, reference.Mean[i] + MaxSpan * referenceSd[i]));
        }).ToArray();
    }
}
