using System.Text.Json;
using Afin.Laplace;
using Afin.Modelling;
using Afin.Persistence;

namespace Afin.Cli.Tests;

/// <summary>The poisson_log family on the command line: the sample problem, the shipped model's answer, an older model's refusal, a model trained for it.</summary>
[TestClass]
public sealed class PoissonCommandTests
{
    private static readonly string Sample = CliRunner.Problem("poisson-regression.json");

    /// <summary>The default before the campaign's model (feature version 2: no Poisson adapter).</summary>
    private static readonly string OlderModel = CliRunner.RepositoryModel("afin-synthetic.afin");

    [TestMethod]
    public void TheShippedModelAnswersTheSampleCountRegressionInAmortizedMode()
    {
        var result = CliRunner.Run("infer", "--problem", Sample, "--mode", "amortized");
        Assert.AreEqual(0, result.ExitCode, result.Error);
        using var json = JsonDocument.Parse(result.Output);
        Assert.IsTrue(json.RootElement.GetProperty("diagnostics").GetProperty("in_training_range").GetBoolean());
        var expected = LaplaceApproximation.Compute(ProblemJson.Load(Sample));
        var mean = json.RootElement.GetProperty("mean").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        for (int i = 0; i < 3; i++)
        {
            // A count regression with plenty of data is nearly Gaussian: the network's answer lies near Laplace's.
            Assert.AreEqual(expected.Mode[i], mean[i], 0.5 * expected.StdDev[i], $"mean[{i}]");
        }
    }

    [TestMethod]
    public void LaplaceAndInferInLaplaceModeAnswerTheSampleCountRegression()
    {
        var expected = LaplaceApproximation.Compute(ProblemJson.Load(Sample));
        foreach (var args in new[] { new[] { "laplace", "--problem", Sample }, ["infer", "--problem", Sample, "--mode", "laplace"] })
        {
            var result = CliRunner.Run(args);
            Assert.AreEqual(0, result.ExitCode, result.Error);
            using var json = JsonDocument.Parse(result.Output);
            var mean = json.RootElement.GetProperty("mean").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            for (int i = 0; i < 3; i++)
            {
                Assert.AreEqual(expected.Mode[i], mean[i], 1e-12, $"{args[0]}: mean[{i}]");
            }
            Assert.IsTrue(json.RootElement.GetProperty("diagnostics").GetProperty("converged").GetBoolean());
        }
        // The smoker and age effects of the simulated data (0.7 and 0.5 on the log rate) are recovered within two sds.
        Assert.AreEqual(0.5, expected.Mode[1], 2 * expected.StdDev[1]);
        Assert.AreEqual(0.7, expected.Mode[2], 2 * expected.StdDev[2]);
    }

    [TestMethod]
    public void AnOlderModelRefusesCountsInAmortizedModeAndNamesTheFeatureVersionThatTakesThem()
    {
        var result = CliRunner.Run("infer", "--problem", Sample, "--mode", "amortized", "--model", OlderModel);
        Assert.AreEqual(2, result.ExitCode, "invalid input for this model (issue 15): exit 1 is for internal failures");
        StringAssert.Contains(result.Error, "error: observations[0].family: AFIN networks of feature version 2 have no adapter for the likelihood family 'poisson_log' (feature version 3 added it)");
        Assert.AreEqual("", result.Output);
    }

    [TestMethod]
    public void AutoAnswersCountsAnOlderModelNeverSawWithoutTheNetwork()
    {
        var result = CliRunner.Run("infer", "--problem", Sample, "--seed", "1", "--model", OlderModel);
        Assert.AreEqual(0, result.ExitCode, result.Error);
        using var json = JsonDocument.Parse(result.Output);
        var diagnostics = json.RootElement.GetProperty("diagnostics");
        Assert.AreEqual("laplace_t", diagnostics.GetProperty("proposal").GetString());
        Assert.AreEqual(0.0, diagnostics.GetProperty("stage_ms").GetProperty("afin").GetDouble());
        StringAssert.Contains(diagnostics.GetProperty("reason").GetString(), "so far that the network was not run");
        Assert.IsFalse(diagnostics.GetProperty("in_training_range").GetBoolean());
    }

    [TestMethod]
    public void TrainDefaultsToFeatureVersionThreeWithPoissonSitesAndItsModelInfersCounts()
    {
        string model = CliRunner.TempFile(".afin");
        var train = CliRunner.Run("train", "--out", model, "--steps", "2", "--width", "8", "--hidden", "12", "--merge-blocks", "1",
            "--d-max", "4", "--n-max", "32", "--batch-size", "4", "--validate-every", "0");
        Assert.AreEqual(0, train.ExitCode, train.Error);
        var trained = AfinModel.Load(model);
        Assert.AreEqual(3, trained.Options.FeatureVersion);
        CollectionAssert.Contains(trained.Tasks.LikelihoodFamilies.ToArray(), "poisson_log");
        var infer = CliRunner.Run("infer", "--problem", Sample, "--model", model);
        Assert.AreEqual(0, infer.ExitCode, infer.Error);
        using (var json = JsonDocument.Parse(infer.Output))
        {
            Assert.IsTrue(json.RootElement.GetProperty("mean").EnumerateArray().All(v => double.IsFinite(v.GetDouble())));
            Assert.IsTrue(json.RootElement.GetProperty("diagnostics").GetProperty("in_training_range").GetBoolean());
        }

        // An older feature version trains the reference families only, and refuses Poisson sites when asked for them.
        string older = CliRunner.TempFile(".afin");
        var refused = CliRunner.Run("train", "--out", older, "--steps", "1", "--feature-version", "2", "--likelihoods", "poisson_log");
        Assert.AreEqual(2, refused.ExitCode);
        StringAssert.Contains(refused.Error, "networks of feature version 2 have no adapter for 'poisson_log'");
        foreach (var f in new[] { model, model + ".ckpt" })
        {
            File.Delete(f);
        }
    }
}
