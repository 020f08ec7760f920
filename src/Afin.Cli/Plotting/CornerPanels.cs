using Afin.Cli.Comparison;
using ScottPlot;

namespace Afin.Cli.Plotting;

/// <summary>
/// The panels of a corner plot: on the diagonal each method's marginal density of one coordinate, below it
/// each method's contours for a pair of coordinates. Gaussian posteriors are drawn from their mean and
/// covariance; sampled ones by binned kernel density of their draws.
/// </summary>
internal sealed class CornerPanels(ComparisonReport report, IReadOnlyList<AxisRange> ranges)
{
    /// <summary>The masses the contours hold: those of the 1- and 2-sd ellipses of a 2-D Gaussian.</summary>
    internal static readonly double[] ContourMasses = [1 - Math.Exp(-0.5), 1 - Math.Exp(-2)];

    private const int CurvePoints = 240;
    private const int SurfacePoints = 90;

    /// <summary>
    /// The methods in drawing order: Auto first, beneath the others, because its answer is often one of theirs (exact,
    /// importance sampling or NUTS) and would hide it; the reference last, on top.
    /// </summary>
    private readonly MethodResult[] _drawingOrder =
    [
        .. report.Methods.Where(m => m.Kind == ComparisonMethodKind.Auto),
        .. report.Methods.Where(m => m != report.Reference && m.Kind != ComparisonMethodKind.Auto),
        report.Reference,
    ];

    /// <summary>The diagonal panel of coordinate <paramref name="i"/>.</summary>
    internal Plot Diagonal(int i, ScottPlot.PixelPadding padding, bool bottomRow)
    {
        var plot = NewPanel(padding);
        var range = ranges[i];
        var grid = range.Grid(CurvePoints);
        double top = 0;
        foreach (var method in _drawingOrder)
        {
            var density = method.IsGaussian
                ? GaussianShapes.Curve(method.Mean[i], method.StandardDeviations[i], grid)
                : KernelDensity.Curve(Column(method, i), range, CurvePoints, EffectiveCount(method));
            Style(plot.Add.ScatterLine(grid, density), method);
            top = Math.Max(top, density.Max());
        }
        plot.Axes.SetLimits(range.Min, range.Max, 0, 1.08 * top);
        // Density values mean nothing to the reader next to the coordinate axes, so the diagonal has no y tick labels.
        plot.Axes.Left.TickLabelStyle.IsVisible = false;
        Label(plot, bottomRow ? $"z[{i}]" : null, null);
        return plot;
    }

    /// <summary>The panel of coordinate <paramref name="column"/> (x) against coordinate <paramref name="row"/> (y).</summary>
    internal Plot Pair(int row, int column, ScottPlot.PixelPadding padding, bool bottomRow, bool leftColumn)
    {
        var plot = NewPanel(padding);
        foreach (var method in _drawingOrder)
        {
            if (method.IsGaussian)
            {
                AddEllipses(plot, method, column, row);
            }
            else
            {
                AddContours(plot, method, column, row);
            }
        }
        plot.Axes.SetLimits(ranges[column].Min, ranges[column].Max, ranges[row].Min, ranges[row].Max);
        Label(plot, bottomRow ? $"z[{column}]" : null, leftColumn ? $"z[{row}]" : null);
        return plot;
    }

    private static void AddEllipses(Plot plot, MethodResult method, int x, int y)
    {
        foreach (double mass in ContourMasses)
        {
            var (xs, ys) = GaussianShapes.Ellipse(method.Mean[x], method.Mean[y], method.Covariance[x, x], method.Covariance[x, y],
                method.Covariance[y, y], GaussianShapes.RadiusForMass(mass));
            Style(plot.Add.ScatterLine(xs, ys), method);
        }
    }

    private void AddContours(Plot plot, MethodResult method, int x, int y)
    {
        double[] xs = Column(method, x), ys = Column(method, y);
        var surface = KernelDensity.Surface(xs, ys, ranges[x], ranges[y], SurfacePoints, EffectiveCount(method));
        var gridX = ranges[x].Grid(SurfacePoints);
        var gridY = ranges[y].Grid(SurfacePoints);
        var coordinates = new Coordinates3d[SurfacePoints, SurfacePoints];
        for (int i = 0; i < SurfacePoints; i++)
        {
            for (int j = 0; j < SurfacePoints; j++)
            {
                coordinates[i, j] = new Coordinates3d(gridX[j], gridY[i], surface[i, j]);
            }
        }
        var contours = new ScottPlot.Plottables.ContourLines
        {
            ContourLineLevels = KernelDensity.MassLevels(xs, ys, surface, ranges[x], ranges[y], ContourMasses),
            Colormap = null!, // one colour per method, not one per level
        };
        contours.LineStyle.Color = MethodStyle.Colour(method.Kind);
        contours.LineStyle.Width = MethodStyle.Width;
        contours.LineStyle.Pattern = MethodStyle.Pattern(method.Kind);
        contours.LabelStyle.IsVisible = false;
        contours.Update(coordinates);
        plot.Add.Plottable(contours);
    }

    private static Plot NewPanel(ScottPlot.PixelPadding padding)
    {
        var plot = new Plot();
        plot.Font.Set(PlotFonts.Sans);
        plot.Layout.Fixed(padding);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 12;
        plot.Axes.Left.TickLabelStyle.FontSize = 12;
        return plot;
    }

    /// <summary>Only outer panels show tick labels and axis labels; inner ones share them with their row and column.</summary>
    private static void Label(Plot plot, string? x, string? y)
    {
        plot.Axes.Bottom.TickLabelStyle.IsVisible = x is not null;
        if (x is not null)
        {
            plot.XLabel(x, 16);
        }
        if (y is not null)
        {
            plot.YLabel(y, 16);
        }
        else
        {
            plot.Axes.Left.TickLabelStyle.IsVisible = false;
        }
    }

    private static void Style(ScottPlot.Plottables.Scatter line, MethodResult method)
    {
        line.Color = MethodStyle.Colour(method.Kind);
        line.LineWidth = MethodStyle.Width;
        line.LinePattern = MethodStyle.Pattern(method.Kind);
        line.MarkerSize = 0;
    }

    /// <summary>Repeated draws from resampling carry less information than their count; their ESS sets the smoothing.</summary>
    private static double EffectiveCount(MethodResult method) =>
        method.Kind == ComparisonMethodKind.AfinSnis && method.EffectiveSampleSize is { } ess ? Math.Max(2, ess) : method.Draws.GetLength(0);

    private static double[] Column(MethodResult method, int j) =>
        Enumerable.Range(0, method.Draws.GetLength(0)).Select(n => method.Draws[n, j]).ToArray();
}
