using System.Text.Json;

namespace Afin.Cli.Tests;

[TestClass]
public sealed class TrainAndInferCommandTests
{
    private static readonly string[] TinyNetwork =
        ["--width", "8", "--hidden", "12", "--merge-blocks", "1", "--d-max", "4", "--n-max", "32", "--batch-size", "4", "--validate-every", "2"];

    private static string TrainTiny(int steps, out (int ExitCode, string Output, string Error) result, string? model = null)
    {
        model ??= CliRunner.TempFile(".afin");
        result = CliRunner.Run(["train", "--out", model, "--steps", steps.ToString(), .. TinyNetwork]);
        return model;
    }

    [TestMethod]
    public void TrainWritesAModelThatInferUsesAndRerunningResumes()
    {
        string model = TrainTiny(2, out var train);
        Assert.AreEqual(0, train.ExitCode, train.Error);
        StringAssert.Contains(train.Error, "saved");
        Assert.IsTrue(File.Exists(model + ".ckpt"));

        var resumed = CliRunner.Run(["train", "--out", model, "--steps", "4", .. TinyNetwork]);
        Assert.AreEqual(0, resumed.ExitCode, resumed.Error);
        StringAssert.Contains(resumed.Error, "resuming");
        StringAssert.Contains(resumed.Error, "at step 2 of 4");
        var restarted = CliRunner.Run(["train", "--out", model, "--steps", "6", "--warm-restart", "--lr", "5e-4", .. TinyNetwork]);
        Assert.AreEqual(0, restarted.ExitCode, restarted.Error);
        StringAssert.Contains(restarted.Error, "at step 4 of 6; a new learning-rate cycle: warm-up to 0.0005, then cosine decay; tasks d 1..4");

        string samples = CliRunner.TempFile(".csv");
        var infer = CliRunner.Run("infer", "--problem", CliRunner.Problem("mixed-families.json"), "--model", model, "--samples", "50", "--samples-out", samples);
        Assert.AreEqual(0, infer.ExitCode, infer.Error);
        using var json = JsonDocument.Parse(infer.Output);
        Assert.AreEqual("afin-gaussian", json.RootElement.GetProperty("method").GetString());
        Assert.AreEqual(3, json.RootElement.GetProperty("mean").GetArrayLength());
        Assert.IsTrue(json.RootElement.GetProperty("diagnostics").GetProperty("in_training_range").GetBoolean());
        Assert.AreEqual(6, json.RootElement.GetProperty("diagnostics").GetProperty("model_steps").GetInt32());
        Assert.AreEqual(51, File.ReadAllLines(samples).Length);

        var outside = CliRunner.Run("infer", "--problem", CliRunner.Problem("logistic-regression.json"), "--model", model);
        Assert.AreEqual(0, outside.ExitCode, outside.Error);
        using var outsideJson = JsonDocument.Parse(outside.Output);
        Assert.IsFalse(outsideJson.RootElement.GetProperty("diagnostics").GetProperty("in_training_range").GetBoolean());
        StringAssert.Contains(outside.Error, "outside the model's training range");
        foreach (var f in new[] { model, model + ".ckpt", samples })
        {
            File.Delete(f);
        }
    }

    [TestMethod]
    public void PooledModelTrainsInfersAndIsComparedWithTheFaithfulOneInOneBenchRun()
    {
        string faithful = TrainTiny(2, out var first);
        Assert.AreEqual(0, first.ExitCode, first.Error);
        string pooled = CliRunner.TempFile(".afin");
        var train = CliRunner.Run(["train", "--out", pooled, "--steps", "2", "--architecture", "Pooled", .. TinyNetwork]);
        Assert.AreEqual(0, train.ExitCode, train.Error);
        StringAssert.Contains(train.Error, "Pooled");

        var infer = CliRunner.Run("infer", "--problem", CliRunner.Problem("mixed-families.json"), "--model", pooled);
        Assert.AreEqual(0, infer.ExitCode, infer.Error);
        using (var json = JsonDocument.Parse(infer.Output))
        {
            Assert.AreEqual("Pooled", json.RootElement.GetProperty("diagnostics").GetProperty("model_architecture").GetString());
        }

        var bench = CliRunner.Run("bench", "afin", "-m", faithful, "-m", pooled, "--problems", "1", "--batch", "2", "--training-steps", "2");
        Assert.AreEqual(0, bench.ExitCode, bench.Error);
        StringAssert.Contains(bench.Output, "Faithful Gaussian");
        StringAssert.Contains(bench.Output, "Pooled Gaussian");
        StringAssert.Contains(bench.Output, "training steps/s measured now");
        StringAssert.Contains(bench.Output, $"| {Path.GetFileName(faithful)} | conjugate | 4 | 16 |");
        StringAssert.Contains(bench.Output, $"| {Path.GetFileName(pooled)} | conjugate | 4 | 16 |");

        var latency = CliRunner.Run("bench", "latency", "-m", pooled, "--repeats", "3", "--batch", "2");
        Assert.AreEqual(0, latency.ExitCode, latency.Error);
        StringAssert.Contains(latency.Output, $"| {Path.GetFileName(pooled)} | managed | 16 | 256 |");
        StringAssert.Contains(latency.Output, $"| {Path.GetFileName(pooled)} | torch | 16 | 256 |");
        var managedOnly = CliRunner.Run("bench", "latency", "-m", pooled, "--repeats", "3", "--batch", "2", "--engine", "managed");
        Assert.AreEqual(0, managedOnly.ExitCode, managedOnly.Error);
        StringAssert.Contains(managedOnly.Output, $"| {Path.GetFileName(pooled)} | managed | 1 | 1 |");
        Assert.DoesNotContain("| torch |", managedOnly.Output);
        foreach (var f in new[] { faithful, faithful + ".ckpt", pooled, pooled + ".ckpt" })
        {
            File.Delete(f);
        }
    }

    [TestMethod]
    public void ArchitecturePicksAShippedModelAndExcludesModel()
    {
        var pooled = CliRunner.Run("infer", "--problem", CliRunner.Problem("linear-regression.json"), "--architecture", "Pooled");
        Assert.AreEqual(0, pooled.ExitCode, pooled.Error);
        using (var json = JsonDocument.Parse(pooled.Output))
        {
            Assert.AreEqual("Pooled", json.RootElement.GetProperty("diagnostics").GetProperty("model_architecture").GetString());
        }
        var both = CliRunner.Run("infer", "--problem", CliRunner.Problem("linear-regression.json"), "--architecture", "Pooled", "--model", "x.afin");
        Assert.AreEqual(2, both.ExitCode);
        StringAssert.Contains(both.Error, "--architecture");
    }

    [TestMethod]
    public void CorruptOrMissingModelIsAnInvalidInput()
    {
        string model = CliRunner.TempFile(".afin");
        File.WriteAllBytes(model, [1, 2, 3]);
        var corrupt = CliRunner.Run("infer", "--problem", CliRunner.Problem("linear-regression.json"), "--model", model);
        Assert.AreEqual(2, corrupt.ExitCode);
        StringAssert.Contains(corrupt.Error, "truncated");
        var missing = CliRunner.Run("infer", "--problem", CliRunner.Problem("linear-regression.json"), "--model", model + ".missing");
        Assert.AreEqual(2, missing.ExitCode);
        StringAssert.Contains(missing.Error, "does not exist");
        File.Delete(model);
    }

    [TestMethod]
    public void InvalidTrainingOptionIsNamed()
    {
        var bad = CliRunner.Run(["train", "--out", CliRunner.TempFile(".afin"), "--steps", "0", .. TinyNetwork]);
        Assert.AreEqual(2, bad.ExitCode);
        StringAssert.Contains(bad.Error, "Steps");
        var badFamily = CliRunner.Run(["train", "--out", CliRunner.TempFile(".afin"), "--likelihoods", "poisson", .. TinyNetwork]);
        Assert.AreEqual(2, badFamily.ExitCode);
        StringAssert.Contains(badFamily.Error, "poisson");
        var nothingToRestart = CliRunner.Run(["train", "--out", CliRunner.TempFile(".afin"), "--warm-restart", .. TinyNetwork]);
        Assert.AreEqual(2, nothingToRestart.ExitCode);
        StringAssert.Contains(nothingToRestart.Error, "--warm-restart: no checkpoint");
    }

    [TestMethod]
    public void AWarmRestartThatNamesATaskPresetDrawsTheCommandsTasks()
    {
        string model = TrainTiny(2, out var train);
        Assert.AreEqual(0, train.ExitCode, train.Error);
        var newTasks = CliRunner.Run(["train", "--out", model, "--steps", "3", "--warm-restart", "--tasks", "synthetic", .. TinyNetwork.Select(a => a == "4" ? "3" : a)]);
        Assert.AreEqual(0, newTasks.ExitCode, newTasks.Error);
        StringAssert.Contains(newTasks.Error, "tasks d 1..3");
        var noStepsLeft = CliRunner.Run(["train", "--out", model, "--steps", "3", "--warm-restart", .. TinyNetwork]);
        Assert.AreEqual(2, noStepsLeft.ExitCode);
        StringAssert.Contains(noStepsLeft.Error, "a warm restart needs more steps than the run has made");
    }
}
