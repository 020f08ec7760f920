using Afin.Cli.Plotting;
using Afin.Training;
using SkiaSharp;

namespace Afin.Cli.Tests;

[TestClass]
public sealed class TrainLossPlotTests
{
    private static readonly string[] TinyNetwork =
        ["--width", "8", "--hidden", "12", "--merge-blocks", "1", "--d-max", "4", "--n-max", "32", "--batch-size", "4", "--validate-every", "2"];

    [TestMethod]
    public void TrainWithPlotLossWritesTheLossAndValidationCurves()
    {
        string model = CliRunner.TempFile(".afin");
        string png = CliRunner.TempFile(".png");
        var train = CliRunner.Run(["train", "--out", model, "--steps", "4", "--plot-loss", png, .. TinyNetwork]);
        Assert.AreEqual(0, train.ExitCode, train.Error);
        StringAssert.Contains(train.Error, "saved");
        StringAssert.Contains(train.Error, "plot-loss: ");
        Assert.AreEqual((1000, LossCurvePlot.Height), PngImage.Dimensions(png));
        using var bitmap = SKBitmap.Decode(png);
        Assert.IsTrue(PngImage.CountColour(bitmap, SKColor.Parse("#0072B2")) > 300, "no loss curve");
        Assert.IsTrue(PngImage.CountColour(bitmap, SKColor.Parse("#009E73")) > 300, "no validation SME curve");
        Assert.IsTrue(PngImage.CountColour(bitmap, SKColor.Parse("#D55E00")) > 300, "no validation KL curve");
        CompareCommandTests.AssertTitleHasText(bitmap);
        foreach (var f in new[] { model, model + ".ckpt", png })
        {
            File.Delete(f);
        }
    }

    [TestMethod]
    public void LossPlotOfACancelledRunDrawsWhatWasReported()
    {
        var history = new TrainingHistory();
        history.Record(new TrainingProgress(1, 100, 1.5, 2, 1e-3, null));
        history.Record(new TrainingProgress(2, 100, double.NaN, 2, 1e-3, null)); // every step skipped: no point
        history.Record(new TrainingProgress(3, 100, 1.2, 2, 1e-3, new ValidationScores(3, 0.4, 0.05, 48)));
        Assert.AreEqual(2, history.Loss.Count);
        Assert.AreEqual(1, history.Validation.Count);
        string png = CliRunner.TempFile(".png");
        var error = new StringWriter();
        LossCurvePlot.Write(new FileInfo(png), history, "cancelled at step 3", error);
        Assert.AreEqual((1000, LossCurvePlot.Height), PngImage.Dimensions(png));
        File.Delete(png);
    }

    [TestMethod]
    public void NothingReportedWritesNoPicture()
    {
        string png = CliRunner.TempFile(".png");
        var error = new StringWriter();
        LossCurvePlot.Write(new FileInfo(png), new TrainingHistory(), "empty", error);
        Assert.IsFalse(File.Exists(png));
        StringAssert.Contains(error.ToString(), "nothing was reported");
    }
}
