using System.Text.Json;

namespace Afin.Cli.Tests;

/// <summary><c>afin infer --mode</c>: the safety net's fields in the posterior JSON, and its invalid inputs.</summary>
[TestClass]
public sealed class InferModeTests
{
    [TestMethod]
    public void AutoModePrintsTheSafetyNetFields()
    {
        var auto = CliRunner.Run("infer", "--problem", CliRunner.Problem("linear-regression.json"), "--mode", "auto", "--draws", "1000", "--seed", "4");
        Assert.AreEqual(0, auto.ExitCode, auto.Error);
        using var json = JsonDocument.Parse(auto.Output);
        var root = json.RootElement;
        CollectionAssert.Contains(new[] { "afin-gaussian", "afin+snis", "nuts" }, root.GetProperty("method").GetString());
        var diagnostics = root.GetProperty("diagnostics");
        Assert.AreEqual("auto", diagnostics.GetProperty("mode").GetString());
        CollectionAssert.Contains(new[] { "amortized", "importance_sampling", "nuts" }, diagnostics.GetProperty("inference_method").GetString());
        StringAssert.StartsWith(diagnostics.GetProperty("reason").GetString(), "Auto: ");
        Assert.AreEqual(JsonValueKind.Number, diagnostics.GetProperty("pareto_k").ValueKind);
        Assert.IsGreaterThan(0.0, diagnostics.GetProperty("ess").GetDouble());
        Assert.IsGreaterThan(0.0, diagnostics.GetProperty("ess_ratio").GetDouble());
        Assert.AreEqual(0, diagnostics.GetProperty("out_of_range_reasons").GetArrayLength());
        Assert.IsTrue(diagnostics.GetProperty("in_training_range").GetBoolean());
        Assert.IsGreaterThan(0.0, diagnostics.GetProperty("stage_ms").GetProperty("importance_sampling").GetDouble());
        StringAssert.Contains(auto.Error, "infer: Auto: ");
    }

    [TestMethod]
    public void CorrectedModeReturnsTheWeightedPosterior()
    {
        var corrected = CliRunner.Run("infer", "--problem", CliRunner.Problem("mixed-families.json"), "--mode", "corrected");
        Assert.AreEqual(0, corrected.ExitCode, corrected.Error);
        using var json = JsonDocument.Parse(corrected.Output);
        Assert.AreEqual("afin+snis", json.RootElement.GetProperty("method").GetString());
        StringAssert.Contains(corrected.Output, "\"method\": \"afin+snis\"", "readable, not \\u002B-escaped");
        var diagnostics = json.RootElement.GetProperty("diagnostics");
        Assert.AreEqual("corrected", diagnostics.GetProperty("mode").GetString());
        Assert.AreEqual("importance_sampling", diagnostics.GetProperty("inference_method").GetString());
        StringAssert.StartsWith(diagnostics.GetProperty("reason").GetString(), "Corrected mode: ");
    }

    [TestMethod]
    public void DefaultModeIsAmortizedAndComputesNoWeights()
    {
        var plain = CliRunner.Run("infer", "--problem", CliRunner.Problem("linear-regression.json"));
        Assert.AreEqual(0, plain.ExitCode, plain.Error);
        using var json = JsonDocument.Parse(plain.Output);
        Assert.AreEqual("afin-gaussian", json.RootElement.GetProperty("method").GetString());
        var diagnostics = json.RootElement.GetProperty("diagnostics");
        Assert.AreEqual("amortized", diagnostics.GetProperty("mode").GetString());
        Assert.AreEqual("amortized", diagnostics.GetProperty("inference_method").GetString());
        Assert.AreEqual(JsonValueKind.Null, diagnostics.GetProperty("pareto_k").ValueKind);
        Assert.AreEqual(JsonValueKind.Null, diagnostics.GetProperty("ess").ValueKind);
        Assert.AreEqual(JsonValueKind.Null, diagnostics.GetProperty("ess_ratio").ValueKind);
        Assert.AreEqual(string.Empty, plain.Error);
    }

    [TestMethod]
    public void LaplaceModeLoadsNoModelAndReportsTheSearch()
    {
        var run = CliRunner.Run("infer", "--problem", CliRunner.Problem("linear-regression.json"), "--mode", "laplace");
        var exact = CliRunner.Run("exact", "--problem", CliRunner.Problem("linear-regression.json"));
        Assert.AreEqual(0, run.ExitCode, run.Error);
        using var json = JsonDocument.Parse(run.Output);
        using var exactJson = JsonDocument.Parse(exact.Output);
        var root = json.RootElement;
        Assert.AreEqual("laplace", root.GetProperty("method").GetString());
        for (int i = 0; i < 3; i++)
        {
            Assert.AreEqual(exactJson.RootElement.GetProperty("mean")[i].GetDouble(), root.GetProperty("mean")[i].GetDouble(), 1e-9);
        }
        var diagnostics = root.GetProperty("diagnostics");
        Assert.AreEqual("laplace", diagnostics.GetProperty("mode").GetString());
        Assert.AreEqual("laplace", diagnostics.GetProperty("inference_method").GetString());
        StringAssert.StartsWith(diagnostics.GetProperty("reason").GetString(), "Laplace mode: ");
        Assert.IsTrue(diagnostics.GetProperty("converged").GetBoolean());
        Assert.AreEqual(JsonValueKind.Null, diagnostics.GetProperty("pareto_k").ValueKind);
        Assert.AreEqual(0.0, diagnostics.GetProperty("stage_ms").GetProperty("afin").GetDouble());
        Assert.IsGreaterThan(0.0, diagnostics.GetProperty("stage_ms").GetProperty("laplace").GetDouble());
        Assert.IsFalse(diagnostics.TryGetProperty("model_steps", out _), "no model is loaded in laplace mode");
        Assert.IsFalse(diagnostics.TryGetProperty("in_training_range", out _));
        StringAssert.Contains(run.Error, "infer: Laplace mode: ");
    }

    [TestMethod]
    [DataRow("--model", "some.afin", "--model")]
    [DataRow("--architecture", "Pooled", "--architecture")]
    [DataRow("--draws", "500", "--mode corrected or auto")]
    public void NetworkOptionsWithLaplaceModeAreInvalidInput(string option, string value, string named)
    {
        var bad = CliRunner.Run("infer", "--problem", CliRunner.Problem("linear-regression.json"), "--mode", "laplace", option, value);
        Assert.AreEqual(2, bad.ExitCode, bad.Error);
        StringAssert.Contains(bad.Error, named);
        Assert.AreEqual(string.Empty, bad.Output);
    }

    [TestMethod]
    [DataRow("--mode", "fast", "--mode")]
    [DataRow("--draws", "3", "ProposalDraws")]
    public void BadModeOrDrawsIsAnInvalidInput(string option, string value, string named)
    {
        string[] mode = option == "--draws" ? ["--mode", "auto"] : [];
        var bad = CliRunner.Run(["infer", "--problem", CliRunner.Problem("linear-regression.json"), option, value, .. mode]);
        Assert.AreEqual(2, bad.ExitCode, bad.Error);
        StringAssert.Contains(bad.Error, named);
        Assert.AreEqual(string.Empty, bad.Output);
    }

    [TestMethod]
    public void DrawsWithoutACheckedModeIsAnInvalidInput()
    {
        var bad = CliRunner.Run("infer", "--problem", CliRunner.Problem("linear-regression.json"), "--draws", "500");
        Assert.AreEqual(2, bad.ExitCode);
        StringAssert.Contains(bad.Error, "--mode corrected or auto");
    }
}
