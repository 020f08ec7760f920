namespace Afin.Cli.Plotting;

/// <summary>
/// Where the panels of a k x k corner plot go. Every panel's data area is the same size and panels in one
/// column (row) share their x (y) extent, so only the outer panels carry tick labels and axis labels: the
/// left column's rectangles reach further left, the bottom row's further down, and their padding grows by as much.
/// </summary>
internal sealed class CornerLayout(int coordinates)
{
    /// <summary>Space above the panels for the title, the key and the legend.</summary>
    internal const float HeaderHeight = 122;

    /// <summary>Space left of the first column for its y tick labels and axis label.</summary>
    internal const float LeftMargin = 66;

    /// <summary>Space below the last row for its x tick labels and axis label.</summary>
    internal const float BottomMargin = 52;

    /// <summary>Padding around each data area; twice this separates neighbouring panels.</summary>
    internal const float Gap = 5;

    private const float RightMargin = 14;

    /// <summary>The number of coordinates k.</summary>
    internal int Coordinates { get; } = coordinates;

    /// <summary>Panel size: large enough that the header fits even for one or two coordinates.</summary>
    internal float PanelSize { get; } = MathF.Ceiling(Math.Max(270, 900f / coordinates));

    /// <summary>Image width in pixels.</summary>
    internal int Width => (int)Math.Ceiling(LeftMargin + Coordinates * PanelSize + RightMargin);

    /// <summary>Image height in pixels.</summary>
    internal int Height => (int)Math.Ceiling(HeaderHeight + Coordinates * PanelSize + BottomMargin + 10);

    /// <summary>The rectangle (left, top, width, height) of panel (row, column) and its padding (left, right, bottom, top).</summary>
    internal (float Left, float Top, float Width, float Height, ScottPlot.PixelPadding Padding) Panel(int row, int column)
    {
        float left = LeftMargin + column * PanelSize, top = HeaderHeight + row * PanelSize;
        float width = PanelSize, height = PanelSize;
        float padLeft = Gap, padBottom = Gap;
        if (column == 0)
        {
            left -= LeftMargin;
            width += LeftMargin;
            padLeft += LeftMargin;
        }
        if (row == Coordinates - 1)
        {
            height += BottomMargin;
            padBottom += BottomMargin;
        }
        return (left, top, width, height, new ScottPlot.PixelPadding(padLeft, Gap, padBottom, Gap));
    }

    /// <summary>
    /// The empty block of the upper triangle, rows [0, r) and columns [r, k) with r = k / 2, as (left, top, width,
    /// height); null for one coordinate, where there is no upper triangle.
    /// </summary>
    internal (float Left, float Top, float Width, float Height)? TableBlock()
    {
        if (Coordinates < 2)
        {
            return null;
        }
        int r = Coordinates / 2;
        return (LeftMargin + r * PanelSize + 2 * Gap, HeaderHeight + 2 * Gap, (Coordinates - r) * PanelSize - 4 * Gap, r * PanelSize - 4 * Gap);
    }
}
