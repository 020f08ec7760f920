using System.Text.Json;

namespace Afin.Cli.Tests;

[TestClass]
public sealed class WeightedInferTests
{
    private const string Problem = """
        {"prior": {"family": "gaussian", "loc": 0, "scale": 1},
         "observations": [{"family": "bernoulli_logit", "x": [[1, 0.5], [1, -0.3], [1, 1.2], [1, -1.0], [1, 0.1]], "y": [1, 0, 1, 0, 1], "weight": [2, 1, 3, 1, 0.5]}]}
        """;

    [TestMethod]
    public void AutoAnswersWeightedProblemsWithoutTheNetworkAndAmortizedRefusesThem()
    {
        string path = CliRunner.TempFile(".json");
        File.WriteAllText(path, Problem);

        var auto = CliRunner.Run("infer", "--problem", path);
        Assert.AreEqual(0, auto.ExitCode, auto.Error);
        using var json = JsonDocument.Parse(auto.Output);
        var diagnostics = json.RootElement.GetProperty("diagnostics");
        Assert.AreNotEqual("amortized", diagnostics.GetProperty("inference_method").GetString());
        StringAssert.Contains(diagnostics.GetProperty("reason").GetString(), "so far that the network was not run");

        var amortized = CliRunner.Run("infer", "--problem", path, "--mode", "amortized");
        Assert.AreEqual(2, amortized.ExitCode, amortized.Error);
        StringAssert.Contains(amortized.Error, "observations[0].weight: AFIN networks were not trained on weighted observations");

        var laplace = CliRunner.Run("laplace", "--problem", path);
        Assert.AreEqual(0, laplace.ExitCode, laplace.Error);
    }
}
