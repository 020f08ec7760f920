using System.Text.Json;

namespace Afin.Cli.Tests;

[TestClass]
public sealed class PredictCommandTests
{
    [TestMethod]
    public void LogisticRowsGetProbabilitiesScoresAndAReliabilityDiagram()
    {
        string plot = CliRunner.TempFile(".png");
        var run = CliRunner.Run("predict", "--problem", CliRunner.Problem("logistic-regression.json"), "--rows", Path.Combine(AppContext.BaseDirectory, "rows", "logistic-regression.json"),
            "--calibration-plot", plot);

        Assert.AreEqual(0, run.ExitCode, run.Error);
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        Assert.AreEqual("bernoulli_logit", root.GetProperty("family").GetString());
        var predictions = root.GetProperty("predictions").EnumerateArray().ToArray();
        Assert.HasCount(8, predictions);
        foreach (var p in predictions)
        {
            double probability = p.GetProperty("probability").GetDouble();
            Assert.IsTrue(probability > 0 && probability < 1);
            Assert.AreEqual(probability, p.GetProperty("mean").GetDouble());
            Assert.IsTrue(p.GetProperty("lower").GetDouble() is 0 or 1 && p.GetProperty("upper").GetDouble() is 0 or 1);
        }
        var scores = root.GetProperty("scores");
        Assert.AreEqual(8, scores.GetProperty("rows").GetInt32());
        Assert.IsTrue(scores.GetProperty("negative_log_likelihood").GetDouble() is > 0 and < 2);
        Assert.IsTrue(scores.TryGetProperty("accuracy", out _));
        Assert.AreEqual(4, root.GetProperty("posterior").GetProperty("mean").GetArrayLength(), "the posterior the predictions came from");
        StringAssert.Contains(run.Error, "predict: 8 held-out rows: mean NLL ");
        Assert.AreEqual((760, 640), PngImage.Dimensions(plot));
    }

    [TestMethod]
    public void GaussianRowsOfAConjugateProblemAreCentredOnTheExactPosterior()
    {
        string rows = CliRunner.TempFile(".json");
        File.WriteAllText(rows, """{"x": [[1.0, 0.0, 0.0], [0.5, -1.0, 2.0]], "y": [0.3, -1.2]}""");
        string plot = CliRunner.TempFile(".png");
        var run = CliRunner.Run("predict", "--problem", CliRunner.Problem("linear-regression.json"), "--rows", rows, "--level", "0.8", "--calibration-plot", plot);

        Assert.AreEqual(0, run.ExitCode, run.Error);
        using var json = JsonDocument.Parse(run.Output);
        var mean = json.RootElement.GetProperty("posterior").GetProperty("mean").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var predictions = json.RootElement.GetProperty("predictions").EnumerateArray().ToArray();
        Assert.AreEqual(mean[0], predictions[0].GetProperty("mean").GetDouble(), 1e-9);
        Assert.AreEqual(0.5 * mean[0] - mean[1] + 2 * mean[2], predictions[1].GetProperty("mean").GetDouble(), 1e-9);
        Assert.IsFalse(predictions[0].TryGetProperty("probability", out _));
        Assert.IsTrue(predictions[0].GetProperty("lower").GetDouble() < predictions[0].GetProperty("upper").GetDouble());
        Assert.AreEqual(0.8, json.RootElement.GetProperty("level").GetDouble());
        Assert.AreEqual((760, 640), PngImage.Dimensions(plot), "interval coverage picture");
    }

    [TestMethod]
    public void BadRowsAndOptionsAreInvalidInputNamingTheField()
    {
        string rows = CliRunner.TempFile(".json");
        File.WriteAllText(rows, """{"x": [[1.0, 2.0], [3.0, 4.0]]}""");
        var width = CliRunner.Run("predict", "--problem", CliRunner.Problem("logistic-regression.json"), "--rows", rows);
        Assert.AreEqual(2, width.ExitCode, width.Error);
        StringAssert.Contains(width.Error, "rows.x: expected rows of 4 values");

        File.WriteAllText(rows, """{"x": [[1.0, 2.0, 0, 0], [3.0, "a", 0, 0]]}""");
        var text = CliRunner.Run("predict", "--problem", CliRunner.Problem("logistic-regression.json"), "--rows", rows);
        Assert.AreEqual(2, text.ExitCode);
        StringAssert.Contains(text.Error, "rows.x[1][1]: expected a number");

        var unlabelled = CliRunner.Run("predict", "--problem", CliRunner.Problem("logistic-regression.json"), "--rows", rows.Replace(".json", "-missing.json"));
        Assert.AreEqual(2, unlabelled.ExitCode);
        StringAssert.Contains(unlabelled.Error, "--rows: file");

        File.WriteAllText(rows, """{"x": [[1.0, 2.0, 0, 0]]}""");
        var noLabels = CliRunner.Run("predict", "--problem", CliRunner.Problem("logistic-regression.json"), "--rows", rows, "--calibration-plot", CliRunner.TempFile(".png"));
        Assert.AreEqual(2, noLabels.ExitCode);
        StringAssert.Contains(noLabels.Error, "--calibration-plot: the rows need their observed values");

        var level = CliRunner.Run("predict", "--problem", CliRunner.Problem("logistic-regression.json"), "--rows", rows, "--level", "1.5");
        Assert.AreEqual(2, level.ExitCode);
        StringAssert.Contains(level.Error, "--level");

        var mixed = CliRunner.Run("predict", "--problem", CliRunner.Problem("mixed-families.json"), "--rows", rows);
        Assert.AreEqual(2, mixed.ExitCode);
        StringAssert.Contains(mixed.Error, "name the family");
    }
}
