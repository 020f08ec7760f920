using System.Text.Json;

namespace Afin.Cli.Tests;

/// <summary><c>afin laplace</c>: the posterior JSON, its diagnostics, the draws and the exit codes.</summary>
[TestClass]
public sealed class LaplaceCommandTests
{
    [TestMethod]
    public void ConjugateProblemEqualsTheExactCommand()
    {
        string problem = CliRunner.Problem("linear-regression.json");
        var laplace = CliRunner.Run("laplace", "--problem", problem);
        var exact = CliRunner.Run("exact", "--problem", problem);
        Assert.AreEqual(0, laplace.ExitCode, laplace.Error);
        Assert.AreEqual(0, exact.ExitCode, exact.Error);
        using var laplaceJson = JsonDocument.Parse(laplace.Output);
        using var exactJson = JsonDocument.Parse(exact.Output);
        var l = laplaceJson.RootElement;
        var e = exactJson.RootElement;
        Assert.AreEqual("laplace", l.GetProperty("method").GetString());
        Assert.AreEqual(e.GetProperty("d").GetInt32(), l.GetProperty("d").GetInt32());
        AssertClose(Vector(e, "mean"), Vector(l, "mean"), "mean");
        AssertClose(Vector(e, "std"), Vector(l, "std"), "std");
        for (int i = 0; i < e.GetProperty("d").GetInt32(); i++)
        {
            AssertClose(Row(e, i), Row(l, i), $"covariance[{i}]");
        }
        Assert.AreEqual(e.GetProperty("diagnostics").GetProperty("log_marginal_likelihood").GetDouble(),
            l.GetProperty("diagnostics").GetProperty("log_marginal_likelihood").GetDouble(), 1e-9);
        Assert.AreEqual("", laplace.Error);
    }

    [TestMethod]
    public void LogisticProblemConvergesAndReportsItsDiagnostics()
    {
        var run = CliRunner.Run("laplace", "--problem", CliRunner.Problem("logistic-regression.json"));
        Assert.AreEqual(0, run.ExitCode, run.Error);
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        Assert.AreEqual("laplace", root.GetProperty("method").GetString());
        Assert.IsGreaterThanOrEqualTo(0.0, root.GetProperty("runtime_ms").GetDouble());
        var diagnostics = root.GetProperty("diagnostics");
        Assert.IsTrue(diagnostics.GetProperty("converged").GetBoolean());
        Assert.IsGreaterThan(0, diagnostics.GetProperty("iterations").GetInt32());
        Assert.AreEqual("observed", diagnostics.GetProperty("curvature").GetString());
        StringAssert.StartsWith(diagnostics.GetProperty("message").GetString(), "Newton converged");
        Assert.IsTrue(double.IsFinite(diagnostics.GetProperty("log_marginal_likelihood").GetDouble()));
        Assert.AreEqual("", run.Error);

        var expected = CliRunner.Run("laplace", "--problem", CliRunner.Problem("logistic-regression.json"), "--curvature", "expected");
        Assert.AreEqual(0, expected.ExitCode, expected.Error);
        using var expectedJson = JsonDocument.Parse(expected.Output);
        Assert.AreEqual("expected_information", expectedJson.RootElement.GetProperty("diagnostics").GetProperty("curvature").GetString());
    }

    [TestMethod]
    public void AnUnconvergedSearchStillWritesItsBestPointAndWarns()
    {
        string output = CliRunner.TempFile(".json");
        var run = CliRunner.Run("laplace", "--problem", CliRunner.Problem("logistic-regression.json"), "--max-iterations", "1", "--output", output);
        Assert.AreEqual(0, run.ExitCode, run.Error);
        using var json = JsonDocument.Parse(File.ReadAllText(output));
        var diagnostics = json.RootElement.GetProperty("diagnostics");
        Assert.IsFalse(diagnostics.GetProperty("converged").GetBoolean());
        StringAssert.StartsWith(diagnostics.GetProperty("message").GetString(), "Newton did not converge");
        Assert.IsTrue(json.RootElement.GetProperty("mean").EnumerateArray().All(v => double.IsFinite(v.GetDouble())));
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.HasCount(1, lines, run.Error);
        StringAssert.StartsWith(lines[0], "warning: laplace: Newton did not converge");
        StringAssert.Contains(lines[0], "\"converged\": false");
        File.Delete(output);
    }

    [TestMethod]
    public void SamplesAreWrittenAsCsvAndRepeatWithTheSeed()
    {
        string first = CliRunner.TempFile(".csv");
        string second = CliRunner.TempFile(".csv");
        string problem = CliRunner.Problem("mixed-families.json");
        Assert.AreEqual(0, CliRunner.Run("laplace", "--problem", problem, "--samples", "50", "--samples-out", first, "--seed", "3").ExitCode);
        Assert.AreEqual(0, CliRunner.Run("laplace", "--problem", problem, "--samples", "50", "--samples-out", second, "--seed", "3").ExitCode);
        var lines = File.ReadAllLines(first);
        Assert.HasCount(51, lines);
        Assert.AreEqual("z0,z1,z2", lines[0]);
        Assert.AreEqual(File.ReadAllText(first), File.ReadAllText(second));
        File.Delete(first);
        File.Delete(second);
    }

    [TestMethod]
    public void InvalidProblemExitsWithTwoNamingThePathAndWritesNothing()
    {
        string problem = CliRunner.TempFile(".json");
        string output = CliRunner.TempFile(".json");
        File.WriteAllText(problem, "{ \"prior\": { \"family\": \"gaussian\", \"loc\": 0, \"scale\": 1 }, \"observations\": [ { \"family\": \"bernoulli_logit\", \"x\": [[1.0]], \"y\": [2] } ] }");
        var (code, stdout, error) = CliRunner.Run("laplace", "--problem", problem, "--output", output);
        Assert.AreEqual(2, code);
        StringAssert.Contains(error, "observations[0].y[0]");
        Assert.AreEqual("", stdout);
        Assert.IsFalse(File.Exists(output));
        File.Delete(problem);
    }

    [TestMethod]
    public void AProblemThatOverflowsIsInvalidInputNamingTheRowAndWritesNoFile()
    {
        // exp(800) overflows at the prior's location: issue 15, formerly exit 1 with "the problem's numbers overflow".
        string problem = CliRunner.TempFile(".json");
        string output = CliRunner.TempFile(".json");
        string samples = CliRunner.TempFile(".csv");
        File.WriteAllText(problem, "{ \"prior\": { \"family\": \"gaussian\", \"loc\": 0, \"scale\": 1 }, \"observations\": [ " +
            "{ \"family\": \"poisson_log\", \"x\": [[1.0], [0.5]], \"y\": [2, 1], \"offset\": [0, 800] } ] }");
        var (code, stdout, error) = CliRunner.Run("laplace", "--problem", problem, "--output", output, "--samples", "10", "--samples-out", samples);
        Assert.AreEqual(2, code, error);
        StringAssert.StartsWith(error, "error: invalid problem: observations[0].y[1]: ");
        StringAssert.Contains(error, "x[1]·z + offset[1] is 800");
        Assert.AreEqual("", stdout);
        Assert.IsFalse(File.Exists(output));
        Assert.IsFalse(File.Exists(samples));
    }

    [TestMethod]
    [DataRow("--max-iterations", "0", "--max-iterations")]
    [DataRow("--curvature", "hessian", "--curvature")]
    [DataRow("--samples", "10", "--samples-out")]
    public void BadOptionsAreInvalidInput(string option, string value, string named)
    {
        var run = CliRunner.Run("laplace", "--problem", CliRunner.Problem("logistic-regression.json"), option, value);
        Assert.AreEqual(2, run.ExitCode, run.Error);
        StringAssert.Contains(run.Error, named);
        Assert.AreEqual("", run.Output);
    }

    private static double[] Vector(JsonElement root, string name) => root.GetProperty(name).EnumerateArray().Select(v => v.GetDouble()).ToArray();

    private static double[] Row(JsonElement root, int i) => root.GetProperty("covariance")[i].EnumerateArray().Select(v => v.GetDouble()).ToArray();

    private static void AssertClose(double[] expected, double[] actual, string what)
    {
        Assert.HasCount(expected.Length, actual, what);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.AreEqual(expected[i], actual[i], 1e-9, $"{what}[{i}]");
        }
    }
}
