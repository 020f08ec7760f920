using System.Text.Json;

namespace Afin.Cli.Tests;

/// <summary><c>afin infer --mode</c>: the safety net's fields in the posterior JSON, and its invalid inputs.</summary>
[TestClass]
public sealed class InferModeTests
{
    [TestMethod]
    public void AutoModePrintsTheSafetyNetFields()
    {
        var auto = CliRunner.Run("infer", "--problem", CliRunner.Problem("logistic-regression.json"), "--mode", "auto", "--draws", "1000", "--seed", "4");
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
        Assert.IsLessThanOrEqualTo(0.05, diagnostics.GetProperty("mc_error").GetDouble());
        CollectionAssert.Contains(new[] { "afin", "laplace_t", "mixture" }, diagnostics.GetProperty("proposal").GetString());
        var tried = diagnostics.GetProperty("proposals_tried");
        Assert.IsGreaterThan(0, tried.GetArrayLength());
        Assert.AreEqual("afin", tried[0].GetProperty("proposal").GetString());
        Assert.AreEqual(1000, tried[0].GetProperty("draws").GetInt32());
        Assert.AreEqual(JsonValueKind.Number, tried[0].GetProperty("pareto_k").ValueKind);
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
    public void DefaultModeIsAutoAndAnswersAConjugateProblemExactlyWithoutAModel()
    {
        var plain = CliRunner.Run("infer", "--problem", CliRunner.Problem("linear-regression.json"));
        var exact = CliRunner.Run("exact", "--problem", CliRunner.Problem("linear-regression.json"));
        Assert.AreEqual(0, plain.ExitCode, plain.Error);
        using var json = JsonDocument.Parse(plain.Output);
        using var exactJson = JsonDocument.Parse(exact.Output);
        Assert.AreEqual("exact", json.RootElement.GetProperty("method").GetString());
        var diagnostics = json.RootElement.GetProperty("diagnostics");
        Assert.AreEqual("auto", diagnostics.GetProperty("mode").GetString());
        Assert.AreEqual("exact", diagnostics.GetProperty("inference_method").GetString());
        Assert.AreEqual(JsonValueKind.Null, diagnostics.GetProperty("pareto_k").ValueKind);
        Assert.IsFalse(diagnostics.TryGetProperty("model_steps", out _), "no model is loaded for an exact answer");
        var mean = json.RootElement.GetProperty("mean").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var reference = exactJson.RootElement.GetProperty("mean").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        for (int i = 0; i < mean.Length; i++)
        {
            Assert.AreEqual(reference[i], mean[i], 1e-8 * Math.Max(1, Math.Abs(reference[i])));
        }
        StringAssert.Contains(plain.Error, "infer: Auto: the problem is conjugate");
    }

    [TestMethod]
    public void AmortizedModeReportsItsQuickCheckAndWhetherTheAnswerIsFlagged()
    {
        var plain = CliRunner.Run("infer", "--problem", CliRunner.Problem("logistic-regression.json"), "--mode", "amortized");
        Assert.AreEqual(0, plain.ExitCode, plain.Error);
        using var json = JsonDocument.Parse(plain.Output);
        Assert.AreEqual("afin-gaussian", json.RootElement.GetProperty("method").GetString());
        var diagnostics = json.RootElement.GetProperty("diagnostics");
        Assert.AreEqual("amortized", diagnostics.GetProperty("mode").GetString());
        Assert.AreEqual("amortized", diagnostics.GetProperty("inference_method").GetString());
        Assert.AreEqual(JsonValueKind.Number, diagnostics.GetProperty("pareto_k").ValueKind);
        Assert.AreEqual(250, diagnostics.GetProperty("proposals_tried")[0].GetProperty("draws").GetInt32());
        StringAssert.Contains(diagnostics.GetProperty("reason").GetString(), "quick importance check of 250 draws");
        double estimated = diagnostics.GetProperty("estimated_mean_error").GetDouble();
        Assert.IsTrue(estimated >= 0 && estimated < 10, $"estimated mean error {estimated}");
        bool flagged = diagnostics.GetProperty("flagged").GetBoolean();
        Assert.AreEqual(flagged, plain.Error.Contains("warning: the amortized answer is flagged"), plain.Error);

        var auto = CliRunner.Run("infer", "--problem", CliRunner.Problem("logistic-regression.json"));
        using var autoJson = JsonDocument.Parse(auto.Output);
        var autoDiagnostics = autoJson.RootElement.GetProperty("diagnostics");
        Assert.IsFalse(autoDiagnostics.GetProperty("flagged").GetBoolean(), "only amortized answers are flagged");
        Assert.AreEqual(JsonValueKind.Null, autoDiagnostics.GetProperty("estimated_mean_error").ValueKind);
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
        var bad = CliRunner.Run("infer", "--problem", CliRunner.Problem("linear-regression.json"), "--mode", "amortized", "--draws", "500");
        Assert.AreEqual(2, bad.ExitCode);
        StringAssert.Contains(bad.Error, "--mode corrected or auto");
    }
}
