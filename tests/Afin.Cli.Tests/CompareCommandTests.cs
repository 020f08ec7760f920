using System.Text.Json;
using Afin.Cli.Plotting;
using Afin.Network;
using Afin.Persistence;
using SkiaSharp;

namespace Afin.Cli.Tests;

[TestClass]
public sealed class CompareCommandTests
{
    /// <summary>Fewer NUTS and AFIN draws than the defaults keep the tests quick; the picture is the same kind.</summary>
    private static readonly string[] Quick = ["--nuts-draws", "300", "--nuts-warmup", "300", "--draws", "1500"];

    [TestMethod]
    public void ConjugateProblemPrintsEveryMethodAndDrawsThemInOneCornerPlot()
    {
        string png = CliRunner.TempFile(".png");
        string json = CliRunner.TempFile(".json");
        // The default model's AFIN and SNIS curves lie on the exact ones for this conjugate problem and hide behind them;
        // the earlier, less accurate faithful model keeps all four apart, so the picture shows every method.
        string model = CliRunner.TempFile(".afin");
        var faithful = AfinModel.LoadDefault(AfinArchitecture.Faithful);
        faithful.Save(model);
        var result = CliRunner.Run(["compare", "--problem", CliRunner.Problem("linear-regression.json"), "--model", model, "--plot", png, "--json", json, .. Quick]);
        File.Delete(model);
        Assert.AreEqual(0, result.ExitCode, result.Error);
        // Auto answers a conjugate problem in closed form, and says so in its label.
        foreach (string row in new[] { "| exact | ", "| NUTS (4x300) | ", "| AFIN | ", "| AFIN+SNIS | ", "| Auto (exact) | " })
        {
            StringAssert.Contains(result.Output, row);
        }
        StringAssert.Contains(result.Output, "| reference |");
        StringAssert.Contains(result.Output, "Scored against exact");

        var (width, height) = PngImage.Dimensions(png);
        Assert.IsTrue(width >= 900 && height >= 900, $"{width} x {height}");
        Assert.IsTrue(new FileInfo(png).Length > 20_000, $"{new FileInfo(png).Length} bytes");
        using var bitmap = SKBitmap.Decode(png);
        // Every method's colour is in the picture, not just in the legend: well over a legend swatch's pixels.
        foreach (var colour in new[] { "#000000", "#009E73", "#0072B2", "#D55E00" })
        {
            int pixels = PngImage.CountColour(bitmap, SKColor.Parse(colour));
            Assert.IsTrue(pixels > 2000, $"colour {colour} is (almost) missing: {pixels} pixels");
        }
        AssertTitleHasText(bitmap);

        using var report = JsonDocument.Parse(File.ReadAllText(json));
        Assert.AreEqual("Exact", report.RootElement.GetProperty("reference").GetString());
        Assert.AreEqual(5, report.RootElement.GetProperty("methods").GetArrayLength());
        File.Delete(png);
        File.Delete(json);
    }

    [TestMethod]
    public void NonConjugateProblemIsScoredAgainstNutsWithoutExact()
    {
        string png = CliRunner.TempFile(".png");
        var result = CliRunner.Run(["compare", "--problem", CliRunner.Problem("logistic-regression.json"), "--plot", png, "--coordinates", "2", .. Quick]);
        Assert.AreEqual(0, result.ExitCode, result.Error);
        Assert.IsFalse(result.Output.Contains("| exact |"), result.Output);
        StringAssert.Contains(result.Output, "Scored against NUTS (4x300)");
        StringAssert.Contains(result.Output, "| AFIN+SNIS | ");
        StringAssert.Contains(result.Output, "| Auto (");
        var (width, height) = PngImage.Dimensions(png);
        Assert.IsTrue(width >= 900 && height >= 900, $"{width} x {height}");
        File.Delete(png);
    }

    [TestMethod]
    public void TooManyCoordinatesIsAnInvalidInput()
    {
        var result = CliRunner.Run("compare", "--problem", CliRunner.Problem("linear-regression.json"), "--coordinates", "7");
        Assert.AreEqual(2, result.ExitCode);
        StringAssert.Contains(result.Error, "--coordinates");
    }

    /// <summary>Text needs a font file; without one Skia silently draws none, which is the failure this catches.</summary>
    internal static void AssertTitleHasText(SKBitmap bitmap)
    {
        if (!PlotFonts.AnyInstalled)
        {
            Assert.Inconclusive("no fonts are installed, so pictures have no text (see docs/platform.md)");
        }
        Assert.IsTrue(PngImage.CountColour(bitmap, SKColors.Black, 80, new SKRectI(0, 0, 400, 40)) > 200, "the title was not drawn");
    }
}
