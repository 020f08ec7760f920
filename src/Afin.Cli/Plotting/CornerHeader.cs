using Afin.Cli.Comparison;

namespace Afin.Cli.Plotting;

/// <summary>The text of a corner plot: title, how to read it, the legend, and the metrics table in the empty upper triangle.</summary>
internal static class CornerHeader
{
    private const float Left = 16;

    /// <summary>Title, key and legend, in the header band.</summary>
    internal static void Draw(PngCanvas canvas, ComparisonReport report, int coordinates)
    {
        canvas.Text($"afin compare: {report.Title}", Left, 32, 21, bold: true);
        string shown = coordinates == report.Dimension
            ? (coordinates == 1 ? "one coordinate" : $"all {coordinates} coordinates")
            : $"coordinates z[0]..z[{coordinates - 1}] of {report.Dimension}";
        canvas.Text($"{string.Join(", ", report.Methods.Select(m => m.Label))}; {shown}. Gaussian posteriors drawn exactly, sampled ones by kernel density.", Left, 56, 13);
        canvas.Text("Diagonal: marginal densities. Lower triangle: contours holding 39% and 86% of the mass (for a Gaussian: 1 and 2 sd).", Left, 75, 13);
        float x = Left;
        foreach (var method in report.Methods)
        {
            canvas.Swatch(x, 101, 34, MethodStyle.Colour(method.Kind), MethodStyle.Dashed(method.Kind));
            string label = method == report.Reference ? $"{method.Label} (reference)" : method.Label;
            x += 42 + canvas.Text(label, x + 42, 106, 15, bold: true) + 34;
        }
    }

    /// <summary>
    /// The metrics table in monospace, one colour swatch per row, inside the given block; the font shrinks (not
    /// below 9 px) until the widest row fits.
    /// </summary>
    internal static void DrawTable(PngCanvas canvas, ComparisonReport report, (float Left, float Top, float Width, float Height) block)
    {
        string[] header = ["method", "ms", "SME", "max SME", "SW2", "k-hat", "ESS"];
        var rows = report.Rows().ToList();
        var widths = header.Select((h, c) => Math.Max(h.Length, rows.Max(r => r[c].Length))).ToArray();
        const float Indent = 30;
        float size = 13;
        while (size > 9 && Indent + canvas.MeasureText(Format(header, widths), size, PlotFonts.Monospace) > block.Width - 16)
        {
            size -= 0.5f;
        }
        float line = 1.6f * size, note = size - 1, x = block.Left + 8, y = block.Top + 24;
        canvas.Text($"Scored against {report.Reference.Label}", x, y, size + 2, bold: true);
        y += line + 6;
        canvas.Text(Format(header, widths), x + Indent, y, size, bold: true, family: PlotFonts.Monospace);
        foreach (var (row, method) in rows.Zip(report.Methods))
        {
            y += line;
            canvas.Swatch(x, y - size / 3, Indent - 8, MethodStyle.Colour(method.Kind), MethodStyle.Dashed(method.Kind));
            canvas.Text(Format(row, widths), x + Indent, y, size, family: PlotFonts.Monospace);
        }
        y += line + 6;
        string[] notes =
        [
            "SME: |mean error| / reference sd (mean, max)",
            "SW2: sliced 2-Wasserstein distance of draws",
            "k-hat > 0.7: SNIS unreliable; NUTS ESS: min bulk",
            .. report.SlicedW2Floor is { } floor ? [$"SW2 of two exact samples: {floor:F3}"] : Array.Empty<string>(),
        ];
        foreach (string text in notes)
        {
            canvas.Text(text, x, y, note);
            y += 1.35f * note;
        }
    }

    /// <summary>The method name left-aligned, numbers right-aligned.</summary>
    private static string Format(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((cell, c) => c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c])));
}
