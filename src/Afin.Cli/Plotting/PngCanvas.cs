using ScottPlot;
using SkiaSharp;

namespace Afin.Cli.Plotting;

/// <summary>
/// A white raster image that several ScottPlot plots are rendered into side by side, with free text and
/// legend swatches drawn around them, encoded as PNG. One canvas rather than ScottPlot's multiplot, because
/// corner plots need panels of different sizes (outer panels carry the axis labels) whose data areas still align.
/// </summary>
internal sealed class PngCanvas : IDisposable
{
    private readonly SKSurface _surface;

    internal PngCanvas(int width, int height)
    {
        Width = width;
        Height = height;
        _surface = SKSurface.Create(new SKImageInfo(width, height))
            ?? throw new InvalidOperationException($"cannot create a {width} x {height} image");
        _surface.Canvas.Clear(SKColors.White);
    }

    /// <summary>Width in pixels.</summary>
    internal int Width { get; }

    /// <summary>Height in pixels.</summary>
    internal int Height { get; }

    /// <summary>Renders a plot into the rectangle with top-left corner (left, top).</summary>
    /// <remarks>
    /// Each plot renders onto a surface of its own that is then copied in: rendering straight onto the shared
    /// canvas would let every plot's background fill wipe out the panels drawn before it.
    /// </remarks>
    internal void Draw(Plot plot, int left, int top, int width, int height)
    {
        using var panel = SKSurface.Create(new SKImageInfo(width, height))
            ?? throw new InvalidOperationException($"cannot create a {width} x {height} image");
        plot.Render(panel.Canvas, width, height);
        using var image = panel.Snapshot();
        _surface.Canvas.DrawImage(image, left, top);
    }

    /// <summary>Draws one line of text with its baseline at y; returns its width.</summary>
    internal float Text(string text, float x, float y, float size, bool bold = false, string? family = null, Color? colour = null)
    {
        using var typeface = Fonts.GetTypeface(family ?? PlotFonts.Sans, bold, italic: false);
        using var font = new SKFont(typeface, size);
        using var paint = new SKPaint { Color = ToSkia(colour ?? Colors.Black), IsAntialias = true };
        _surface.Canvas.DrawText(text, x, y, SKTextAlign.Left, font, paint);
        return font.MeasureText(text);
    }

    /// <summary>The width one line of text would take.</summary>
    internal float MeasureText(string text, float size, string? family = null)
    {
        using var typeface = Fonts.GetTypeface(family ?? PlotFonts.Sans, bold: false, italic: false);
        using var font = new SKFont(typeface, size);
        return font.MeasureText(text);
    }

    /// <summary>A short horizontal line, the legend's sample of a method's line style.</summary>
    internal void Swatch(float x, float y, float length, Color colour, bool dashed)
    {
        using var paint = new SKPaint { Color = ToSkia(colour), StrokeWidth = MethodStyle.Width + 1, IsAntialias = true, Style = SKPaintStyle.Stroke };
        if (dashed)
        {
            paint.PathEffect = SKPathEffect.CreateDash([8, 5], 0);
        }
        _surface.Canvas.DrawLine(x, y, x + length, y, paint);
    }

    /// <summary>The image as PNG bytes.</summary>
    internal byte[] EncodePng()
    {
        using var image = _surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <inheritdoc />
    public void Dispose() => _surface.Dispose();

    private static SKColor ToSkia(Color colour) => new(colour.R, colour.G, colour.B, colour.A);
}
