using System.Text.Json;
using Afin.Cli.Benchmarks.Real;

namespace Afin.Cli.Tests;

/// <summary><c>afin bench fit</c> end to end on a tiny per-group suite, tiny NUTS references and two fine-tuning steps.</summary>
[TestClass]
public sealed class FitBenchCommandTests
{
    [TestMethod]
    public void EveryDataSetGetsLaplaceTheBaseModelAndFitAtEachBudget()
    {
        string suite = GroupSuite();
        string references = CliRunner.TempFile(".json");
        var made = CliRunner.Run("bench", "real", "references", "--suite", suite, "--out", references, "--warmup", "60", "--draws", "60", "--is-draws", "400");
        Assert.AreEqual(0, made.ExitCode, made.Error);

        string json = CliRunner.TempFile(".json");
        var bench = CliRunner.Run("bench", "fit", "--suite", suite, "--references", references, "--steps", "1,2", "--batch-size", "2", "--out", json);
        Assert.AreEqual(0, bench.ExitCode, bench.Error);
        StringAssert.Contains(bench.Output, "| tiny-stores | 3 | 2 | 10-10 | fit | 2 |");
        StringAssert.Contains(bench.Error, "tiny-sales: fit 1 steps");
        using var report = JsonDocument.Parse(File.ReadAllText(json));
        var rows = report.RootElement.GetProperty("rows").EnumerateArray().ToArray();
        Assert.HasCount(8, rows);
        CollectionAssert.AreEqual(new[] { "laplace", "default", "fit", "fit" }, rows.Take(4).Select(r => r.GetProperty("method").GetString()).ToArray());
        foreach (var fit in rows.Where(r => r.GetProperty("method").GetString() == "fit"))
        {
            Assert.IsTrue(double.IsFinite(fit.GetProperty("held_out_before").GetDouble()) && double.IsFinite(fit.GetProperty("held_out_after").GetDouble()));
            Assert.IsGreaterThan(0.0, fit.GetProperty("seconds").GetDouble());
        }
        var exact = rows.Single(r => r.GetProperty("kind").GetString() == "tiny-sales" && r.GetProperty("method").GetString() == "laplace");
        Assert.IsLessThan(1e-6, exact.GetProperty("median_max_sme").GetDouble(), "Laplace is exact on conjugate groups");
    }

    [TestMethod]
    public void BadBudgetsAndMissingReferencesAreRefusedByName()
    {
        string suite = GroupSuite();
        var budgets = CliRunner.Run("bench", "fit", "--suite", suite, "--references", suite, "--steps", "10,-3");
        Assert.AreEqual(2, budgets.ExitCode, budgets.Error);
        StringAssert.Contains(budgets.Error, "--steps");
        var missing = CliRunner.Run("bench", "fit", "--suite", suite, "--references", Path.Combine(Path.GetTempPath(), $"afin-missing-{Guid.NewGuid():N}.json"));
        Assert.AreEqual(2, missing.ExitCode, missing.Error);
        StringAssert.Contains(missing.Error, "afin bench real references --suite");
    }

    [TestMethod]
    public void GroupsOfAShapeAreDistinctProblemsNamedByIndex()
    {
        var problems = RealisticSuite.Generate(RealisticSuite.LoadDescription(new FileInfo(GroupSuite())));
        CollectionAssert.AreEqual(new[] { "tiny-stores-d2-n10-g01", "tiny-stores-d2-n10-g02", "tiny-stores-d2-n10-g03", "tiny-sales-d2-n10-g01", "tiny-sales-d2-n10-g02" },
            problems.Select(p => p.Name).ToArray());
        Assert.AreEqual(problems.Count, problems.Select(p => p.Hash).Distinct().Count());
    }

    private static string GroupSuite()
    {
        string path = CliRunner.TempFile(".json");
        File.WriteAllText(path, """
            {
              "seed": 3,
              "kinds": [
                { "name": "tiny-stores", "prior": { "family": "gaussian", "scale": 2 }, "likelihoods": [ { "family": "bernoulli_logit", "positive_rate": 0.4 } ], "shapes": [ [2, 10] ], "groups": 3 },
                { "name": "tiny-sales", "prior": { "family": "gaussian", "scale": 2 }, "likelihoods": [ { "family": "linear_gaussian" } ], "shapes": [ [2, 10] ], "groups": 2 }
              ]
            }
            """);
        return path;
    }
}
