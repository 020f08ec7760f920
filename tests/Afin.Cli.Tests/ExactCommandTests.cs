using System.Text.Json;

namespace Afin.Cli.Tests;

[TestClass]
public sealed class ExactCommandTests
{
    [TestMethod]
    public void WritesThePosteriorJsonToStandardOutput()
    {
        var (code, output, error) = CliRunner.Run("exact", "--problem", CliRunner.Problem("linear-regression.json"));
        Assert.AreEqual(0, code, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.AreEqual("exact", root.GetProperty("method").GetString());
        Assert.AreEqual(3, root.GetProperty("d").GetInt32());
        Assert.AreEqual(3, root.GetProperty("mean").GetArrayLength());
        Assert.AreEqual(3, root.GetProperty("covariance").GetArrayLength());
        double sd0 = root.GetProperty("std")[0].GetDouble();
        double var0 = root.GetProperty("covariance")[0][0].GetDouble();
        Assert.AreEqual(var0, sd0 * sd0, 1e-12);
        Assert.IsTrue(root.GetProperty("runtime_ms").GetDouble() >= 0);
        Assert.IsTrue(double.IsFinite(root.GetProperty("diagnostics").GetProperty("log_marginal_likelihood").GetDouble()));
    }

    [TestMethod]
    public void InvalidProblemExitsWithTwoAndWritesNothing()
    {
        string problem = CliRunner.TempFile(".json");
        string output = CliRunner.TempFile(".json");
        File.WriteAllText(problem, "{ \"prior\": { \"family\": \"gaussian\", \"loc\": 0, \"scale\": -1 }, \"d\": 2 }");
        var (code, stdout, error) = CliRunner.Run("exact", "--problem", problem, "--output", output);
        Assert.AreEqual(2, code);
        StringAssert.Contains(error, "prior.scale[0]");
        Assert.AreEqual("", stdout);
        Assert.IsFalse(File.Exists(output));
    }

    [TestMethod]
    public void NonConjugateProblemIsAnInvalidInput()
    {
        var (code, _, error) = CliRunner.Run("exact", "--problem", CliRunner.Problem("logistic-regression.json"));
        Assert.AreEqual(2, code);
        StringAssert.Contains(error, "not conjugate");
        StringAssert.Contains(error, "observations[0].family is 'bernoulli_logit'");
    }

    [TestMethod]
    [DataRow("\"sigma\": 5e-324", "observations[0].sigma[0]: expected a number between 1E-150 and 1E+150")]
    [DataRow("\"sigma\": [1, 1e-150]", "observations[0].x[1]: adding the row's information")]
    public void NumbersThatOverflowAreInvalidInputNamingTheFieldAndWriteNothing(string sigma, string message)
    {
        // Issue 15: formerly exit 1 with MathNet's "Matrix must be positive definite".
        string problem = CliRunner.TempFile(".json");
        string output = CliRunner.TempFile(".json");
        File.WriteAllText(problem, "{ \"prior\": { \"family\": \"gaussian\", \"loc\": 0, \"scale\": 1 }, \"observations\": [ " +
            $"{{ \"family\": \"linear_gaussian\", \"x\": [[0.5, 1], [1e150, 1e150]], \"y\": [0.3, 1], {sigma} }} ] }}");
        var (code, stdout, error) = CliRunner.Run("exact", "--problem", problem, "--output", output);
        Assert.AreEqual(2, code, error);
        StringAssert.StartsWith(error, $"error: invalid problem: {message}");
        Assert.AreEqual("", stdout);
        Assert.IsFalse(File.Exists(output));
    }

    [TestMethod]
    public void MissingFileAndUnknownOptionAreInvalidInput()
    {
        Assert.AreEqual(2, CliRunner.Run("exact", "--problem", "/nonexistent/problem.json").ExitCode);
        Assert.AreEqual(2, CliRunner.Run("exact", "--problem", CliRunner.Problem("linear-regression.json"), "--bogus").ExitCode);
        Assert.AreEqual(2, CliRunner.Run("exact").ExitCode);
    }

    [TestMethod]
    public void OutputOptionWritesTheFile()
    {
        string output = CliRunner.TempFile(".json");
        var (code, stdout, error) = CliRunner.Run("exact", "--problem", CliRunner.Problem("linear-regression.json"), "--output", output);
        Assert.AreEqual(0, code, error);
        Assert.AreEqual("", stdout);
        using var json = JsonDocument.Parse(File.ReadAllText(output));
        Assert.AreEqual("exact", json.RootElement.GetProperty("method").GetString());
        File.Delete(output);
    }
}
