using System.Globalization;
using System.Text.Json;

namespace Afin.Cli.Tests;

[TestClass]
public sealed class NutsCommandTests
{
    [TestMethod]
    public void MatchesTheExactCommandOnAConjugateProblemAndWritesSamples()
    {
        string samples = CliRunner.TempFile(".csv");
        var nuts = CliRunner.Run("nuts", "--problem", CliRunner.Problem("linear-regression.json"), "--seed", "3", "--samples-out", samples);
        var exact = CliRunner.Run("exact", "--problem", CliRunner.Problem("linear-regression.json"));
        Assert.AreEqual(0, nuts.ExitCode, nuts.Error);
        using var nutsJson = JsonDocument.Parse(nuts.Output);
        using var exactJson = JsonDocument.Parse(exact.Output);
        var root = nutsJson.RootElement;
        Assert.AreEqual("nuts", root.GetProperty("method").GetString());
        for (int i = 0; i < 3; i++)
        {
            double sd = exactJson.RootElement.GetProperty("std")[i].GetDouble();
            Assert.AreEqual(exactJson.RootElement.GetProperty("mean")[i].GetDouble(), root.GetProperty("mean")[i].GetDouble(), 0.1 * sd);
            Assert.AreEqual(sd, root.GetProperty("std")[i].GetDouble(), 0.1 * sd);
        }
        var diagnostics = root.GetProperty("diagnostics");
        Assert.AreEqual(3, diagnostics.GetProperty("r_hat").GetArrayLength());
        Assert.AreEqual(3, diagnostics.GetProperty("ess_bulk").GetArrayLength());
        Assert.AreEqual(0, diagnostics.GetProperty("divergences").GetInt32());
        var lines = File.ReadAllLines(samples);
        Assert.AreEqual("z0,z1,z2", lines[0]);
        Assert.AreEqual(4001, lines.Length);
        Assert.AreEqual(3, lines[1].Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).Count());
        StringAssert.Contains(nuts.Error, "chain 0");
        File.Delete(samples);
    }

    [TestMethod]
    public void SameSeedGivesTheSameAnswer()
    {
        var a = CliRunner.Run("nuts", "--problem", CliRunner.Problem("mixed-families.json"), "--draws", "200", "--warmup", "200", "--seed", "9");
        var b = CliRunner.Run("nuts", "--problem", CliRunner.Problem("mixed-families.json"), "--draws", "200", "--warmup", "200", "--seed", "9");
        Assert.AreEqual(0, a.ExitCode, a.Error);
        using var ja = JsonDocument.Parse(a.Output);
        using var jb = JsonDocument.Parse(b.Output);
        Assert.AreEqual(ja.RootElement.GetProperty("mean").GetRawText(), jb.RootElement.GetProperty("mean").GetRawText());
    }

    [TestMethod]
    public void InvalidOptionExitsWithTwoAndNamesIt()
    {
        var (code, _, error) = CliRunner.Run("nuts", "--problem", CliRunner.Problem("logistic-regression.json"), "--draws", "0");
        Assert.AreEqual(2, code);
        StringAssert.Contains(error, "Draws");
    }
}
