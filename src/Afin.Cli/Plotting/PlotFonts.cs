using SkiaSharp;

namespace Afin.Cli.Plotting;

/// <summary>
/// The font families the pictures use. ScottPlot's Skia build reads font files straight from the system
/// font folders (no fontconfig), so the picture has text only when at least one font file is installed;
/// a known sans-serif family is preferred so that pictures look the same on every machine that has it.
/// </summary>
internal static class PlotFonts
{
    private static readonly string[] SansFamilies = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica", "FreeSans"];
    private static readonly string[] MonospaceFamilies = ["DejaVu Sans Mono", "Liberation Mono", "Noto Sans Mono", "Consolas", "Courier New", "FreeMono"];

    /// <summary>The sans-serif family for titles, labels and ticks.</summary>
    internal static string Sans { get; } = FirstInstalled(SansFamilies) ?? ScottPlot.Fonts.Sans;

    /// <summary>The monospaced family for tables.</summary>
    internal static string Monospace { get; } = FirstInstalled(MonospaceFamilies) ?? ScottPlot.Fonts.Monospace;

    /// <summary>Whether any font at all can be found; without one, text is silently left out of the picture.</summary>
    internal static bool AnyInstalled => SKFontManager.Default.FontFamilyCount > 0;

    /// <summary>Warns on <paramref name="error"/> when the picture will have no text.</summary>
    internal static void WarnIfMissing(TextWriter error)
    {
        if (!AnyInstalled)
        {
            error.WriteLine("warning: no font files found (for example under /usr/share/fonts), so the picture will have no text; " +
                "install a font package such as Debian's fonts-dejavu-core");
        }
    }

    private static string? FirstInstalled(IEnumerable<string> families) =>
        families.FirstOrDefault(f => SKFontManager.Default.FontFamilies.Contains(f, StringComparer.OrdinalIgnoreCase));
}
