using System.Text.Json;
using Afin.Cli.Benchmarks.Real;

namespace Afin.Cli.Tests;

/// <summary><c>afin bench real references</c> and <c>afin bench real</c> end to end on a two-problem suite with tiny NUTS runs.</summary>
[TestClass]
public sealed class RealBenchCommandTests
{
    private static readonly string[] TinyReferences = ["--warmup", "60", "--draws", "60", "--is-draws", "400"];

    [TestMethod]
    public void ReferencesGetAHashResumeAndFeedTheBenchOfEveryMethod()
    {
        string suite = TinySuite(seed: 5);
        string references = CliRunner.TempFile(".json");
        var first = CliRunner.Run(["bench", "real", "references", "--suite", suite, "--out", references, .. TinyReferences]);
        Assert.AreEqual(0, first.ExitCode, first.Error);
        StringAssert.Contains(first.Error, "[2/2] tiny-logistic-d2-n10: nuts");

        var set = ReferenceStore.Load(references);
        var problems = RealisticSuite.Generate(RealisticSuite.LoadDescription(new FileInfo(suite)));
        CollectionAssert.AreEqual(problems.Select(p => p.Hash).ToArray(), set.Problems.Select(p => p.Hash).ToArray());
        Assert.AreEqual("exact", set.Problems[0].Method);
        Assert.AreEqual("nuts", set.Problems[1].Method);
        Assert.IsNotNull(set.Problems[1].ImportanceSampling);
        Assert.IsTrue(double.IsFinite(set.Problems[1].Nuts!.MaxRHat) && set.Problems[1].Nuts!.Draws >= 60);

        var again = CliRunner.Run(["bench", "real", "references", "--suite", suite, "--out", references, .. TinyReferences]);
        Assert.AreEqual(0, again.ExitCode, again.Error);
        StringAssert.Contains(again.Error, "2 of 2 up to date");
        StringAssert.Contains(again.Error, "computing 0");

        string json = CliRunner.TempFile(".json");
        var bench = CliRunner.Run("bench", "real", "--suite", suite, "--references", references, "--out", json);
        Assert.AreEqual(0, bench.ExitCode, bench.Error);
        StringAssert.Contains(bench.Output, "| d 1-8 | laplace | 2 |");
        StringAssert.Contains(bench.Output, "| kind | problems | amortized | laplace | corrected | auto | nuts |");
        StringAssert.Contains(bench.Output, "| tiny-logistic | 1 | ");
        using var report = JsonDocument.Parse(File.ReadAllText(json));
        var results = report.RootElement.GetProperty("results").EnumerateArray().ToArray();
        Assert.HasCount(10, results);
        CollectionAssert.AreEquivalent(new[] { "amortized", "laplace", "corrected", "auto", "nuts" },
            results.Select(r => r.GetProperty("method").GetString()).Distinct().ToArray());
        foreach (var result in results)
        {
            var scores = result.GetProperty("scores");
            foreach (string metric in new[] { "max_sme", "median_sme", "kl_per_dimension", "sd_ratio_median", "sd_ratio_worst" })
            {
                Assert.AreEqual(JsonValueKind.Number, scores.GetProperty(metric).ValueKind, metric);
            }
            Assert.IsGreaterThan(0.0, result.GetProperty("milliseconds").GetDouble());
        }
        Assert.IsLessThan(1e-6, results.Single(r => r.GetProperty("method").GetString() == "laplace" && r.GetProperty("kind").GetString() == "tiny-linear")
            .GetProperty("scores").GetProperty("max_sme").GetDouble(), "Laplace is exact on a conjugate problem");
    }

    [TestMethod]
    public void StaleOrMissingReferencesAreRefusedNamingTheProblem()
    {
        string references = CliRunner.TempFile(".json");
        var made = CliRunner.Run(["bench", "real", "references", "--suite", TinySuite(seed: 5), "--out", references, "--filter", "linear", .. TinyReferences]);
        Assert.AreEqual(0, made.ExitCode, made.Error);

        var stale = CliRunner.Run("bench", "real", "--suite", TinySuite(seed: 6), "--references", references, "--methods", "laplace", "--filter", "linear");
        Assert.AreEqual(2, stale.ExitCode);
        StringAssert.Contains(stale.Error, "reference for problem 'tiny-linear-d2-n10'");
        StringAssert.Contains(stale.Error, "is stale");

        var missing = CliRunner.Run("bench", "real", "--suite", TinySuite(seed: 5), "--references", references, "--methods", "laplace");
        Assert.AreEqual(2, missing.ExitCode);
        StringAssert.Contains(missing.Error, "no reference for problem 'tiny-logistic-d2-n10'");
    }

    [TestMethod]
    public void UnknownMethodsAndEmptyFiltersAreInvalidInput()
    {
        var methods = CliRunner.Run("bench", "real", "--methods", "laplace,magic");
        Assert.AreEqual(2, methods.ExitCode);
        StringAssert.Contains(methods.Error, "'magic'");
        var filter = CliRunner.Run("bench", "real", "suite", "--filter", "no-such-problem");
        Assert.AreEqual(2, filter.ExitCode);
        StringAssert.Contains(filter.Error, "matches none");
    }

    [TestMethod]
    public void AnOutOfRangeDescriptionNamesTheKindAndField()
    {
        string suite = CliRunner.TempFile(".json");
        File.WriteAllText(suite, File.ReadAllText(TinySuite(seed: 5)).Replace("\"positive_rate\": 0.4", "\"positive_rate\": 1.5"));
        var result = CliRunner.Run("bench", "real", "suite", "--suite", suite);
        Assert.AreEqual(2, result.ExitCode);
        StringAssert.Contains(result.Error, "kind 'tiny-logistic': likelihoods (bernoulli_logit): expected 0 < positive_rate < 1");
    }

    [TestMethod]
    public void SuiteListsEveryProblemAndWritesThemAsProblemJson()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"afin-test-{Guid.NewGuid():N}");
        var listed = CliRunner.Run("bench", "real", "suite", "--filter", "^logistic-imbalanced", "--out", folder);
        Assert.AreEqual(0, listed.ExitCode, listed.Error);
        StringAssert.Contains(listed.Output, "| logistic-imbalanced-d8-n200 | logistic-imbalanced | d 1-8 | 8 | 200 |");
        Assert.HasCount(4, Directory.GetFiles(folder, "*.json"));
        var problem = Afin.Modelling.ProblemJson.Load(Path.Combine(folder, "logistic-imbalanced-d8-n200.json"));
        Assert.AreEqual("logistic-imbalanced-d8-n200", problem.Name);
    }

    /// <summary>A suite of two d = 2, N = 10 problems: a conjugate linear regression and a logistic regression.</summary>
    private static string TinySuite(int seed)
    {
        string path = CliRunner.TempFile(".json");
        File.WriteAllText(path, $$"""
            {
              "seed": {{seed}},
              "kinds": [
                { "name": "tiny-linear", "prior": { "family": "gaussian", "scale": 2 }, "likelihoods": [ { "family": "linear_gaussian" } ], "shapes": [ [2, 10] ] },
                { "name": "tiny-logistic", "prior": { "family": "gaussian", "scale": 2 }, "likelihoods": [ { "family": "bernoulli_logit", "positive_rate": 0.4 } ], "shapes": [ [2, 10] ] }
              ]
            }
            """);
        return path;
    }
}
