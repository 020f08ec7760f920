using Afin.Cli.Benchmarks.Real;
using Afin.Modelling;

namespace Afin.Cli.Tests;

/// <summary>The realistic suite's generator: deterministic, valid, and covering the traits users' regressions have.</summary>
[TestClass]
public sealed class RealisticSuiteTests
{
    private static readonly IReadOnlyList<SuiteProblem> Suite = RealisticSuite.Generate(RealisticSuite.LoadDescription(null));

    [TestMethod]
    public void SameDescriptionGivesIdenticalProblemsAndAnotherSeedOthers()
    {
        var description = RealisticSuite.LoadDescription(null);
        var again = RealisticSuite.Generate(description);
        CollectionAssert.AreEqual(Suite.Select(p => ProblemJson.Serialize(p.Problem)).ToArray(), again.Select(p => ProblemJson.Serialize(p.Problem)).ToArray());
        var reseeded = RealisticSuite.Generate(description with { Seed = description.Seed + 1 });
        Assert.IsTrue(Suite.Zip(reseeded).All(pair => pair.First.Hash != pair.Second.Hash), "a problem ignores the suite's seed");
    }

    [TestMethod]
    public void AProblemDependsOnlyOnTheSeedAndItsName()
    {
        var description = RealisticSuite.LoadDescription(null);
        var alone = RealisticSuite.Generate(description with { Kinds = [description.Kinds[^1]] });
        Assert.AreEqual(Suite.First(p => p.Name == alone[0].Name).Hash, alone[0].Hash);
    }

    [TestMethod]
    public void SizesSpanTheRequestedRangesWithAFewBeyondTraining()
    {
        Assert.IsGreaterThanOrEqualTo(40, Suite.Count);
        var inRange = Suite.Where(p => p.Problem.Dimension <= 32).ToArray();
        Assert.AreEqual(2, inRange.Min(p => p.Problem.Dimension));
        Assert.AreEqual(32, inRange.Max(p => p.Problem.Dimension));
        Assert.AreEqual(10, Suite.Min(p => p.Problem.ObservationCount));
        Assert.AreEqual(512, Suite.Max(p => p.Problem.ObservationCount));
        var beyond = Suite.Where(p => p.Problem.Dimension > 32).ToArray();
        Assert.IsTrue(beyond.Length is >= 3 and <= 5 && beyond.All(p => p.Problem.Dimension is >= 40 and <= 60), string.Join(", ", beyond.Select(p => p.Name)));
        Assert.AreEqual(Suite.Count, Suite.Select(p => p.Name).Distinct().Count());
    }

    [TestMethod]
    public void EveryProblemRoundTripsThroughJsonAndValidates()
    {
        foreach (var p in Suite)
        {
            var parsed = ProblemJson.Parse(ProblemJson.Serialize(p.Problem));
            Assert.AreEqual(p.Hash, ProblemHash.Of(parsed), p.Name);
            Assert.IsTrue(double.IsFinite(p.Problem.LogDensity().Evaluate(new double[p.Problem.Dimension])), p.Name);
        }
    }

    [TestMethod]
    public void InterceptKindsHaveAColumnOfOnesInEveryDesign()
    {
        var description = RealisticSuite.LoadDescription(null);
        var withIntercept = description.Kinds.Where(k => k.Design.Intercept).Select(k => k.Name).ToHashSet();
        var problems = Suite.Where(p => withIntercept.Contains(p.Kind)).ToArray();
        Assert.IsGreaterThanOrEqualTo(40, problems.Length);
        foreach (var block in problems.SelectMany(p => p.Problem.Blocks.OfType<LinearBlock>()))
        {
            Assert.IsTrue(Column(block, 0).All(v => v == 1));
        }
    }

    [TestMethod]
    public void ImbalancedProblemsAreImbalancedAndSeparatedOnesSeparated()
    {
        foreach (var p in Suite.Where(p => p.Kind == "logistic-imbalanced"))
        {
            double positives = Logit(p).Y.Average();
            Assert.IsTrue(positives is > 0 and <= 0.1, $"{p.Name}: {positives:P0} positive");
        }
        foreach (var p in Suite.Where(p => p.Kind == "logistic-separation"))
        {
            var block = Logit(p);
            bool separated = Enumerable.Range(1, p.Problem.Dimension - 1).Select(j => Column(block, j))
                .Any(x => x.All(v => v is 0 or 1) && x.Contains(1) && x.Select((v, r) => v == 0 || block.Y[r] == 1).All(b => b));
            Assert.IsTrue(separated, $"{p.Name} has no indicator whose rows are all positive");
        }
    }

    [TestMethod]
    public void UnscaledProblemsHaveFeatureScalesSpanningThreeDecadesAndCounts()
    {
        foreach (var p in Suite.Where(p => p.Kind.EndsWith("-unscaled", StringComparison.Ordinal) && p.Problem.Dimension >= 8))
        {
            var block = (LinearBlock)p.Problem.Blocks[0];
            var columns = Enumerable.Range(1, p.Problem.Dimension - 1).Select(j => Column(block, j)).ToArray();
            var spreads = columns.Where(x => x.Any(v => v != Math.Round(v))).Select(StandardDeviation).ToArray();
            Assert.IsGreaterThan(300.0, spreads.Max() / spreads.Min(), p.Name);
            Assert.IsTrue(columns.Any(x => x.All(v => v == Math.Round(v) && v >= 0) && x.Max() > 1), $"{p.Name} has no count column");
        }
        Assert.IsTrue(Suite.SelectMany(p => p.Problem.Blocks.OfType<LinearBlock>()).Any(b => Enumerable.Range(1, b.X.GetLength(1) - 1).Count(j => Column(b, j).All(v => v is 0 or 1)) >= 3),
            "no one-hot group");
    }

    [TestMethod]
    public void EveryPriorAndLikelihoodFamilyAndAMixedProblemAppear()
    {
        CollectionAssert.IsSubsetOf(new[] { "gaussian", "student_t", "laplace", "full_rank_gaussian" }, Suite.Select(p => p.Problem.Prior.Family).Distinct().ToArray());
        CollectionAssert.IsSubsetOf(new[] { "linear_gaussian", "linear_student_t", "bernoulli_logit", "binomial_logit", "poisson_log", "direct_gaussian" },
            Suite.SelectMany(p => p.Problem.Blocks.Select(b => b.Family)).Distinct().ToArray());
        Assert.IsTrue(Suite.Any(p => p.Problem.Blocks.Select(b => b.Family).Distinct().Count() > 1));
        var shrinking = Suite.Where(p => p.Problem.Prior is StudentTPrior t && t.Scale.Skip(1).All(s => s <= 0.2)).ToArray();
        Assert.IsNotEmpty(shrinking);
        var robust = Suite.Where(p => p.Kind == "robust").Select(p => (LinearBlock)p.Problem.Blocks[0]).ToArray();
        Assert.IsTrue(robust.All(b => b.Y.Max() - b.Y.Min() > 8), "robust regressions without outliers");
    }

    [TestMethod]
    public void PoissonProblemsCountEventsOverVaryingExposures()
    {
        var poisson = Suite.Where(p => p.Kind == "poisson").ToArray();
        Assert.HasCount(4, poisson);
        foreach (var p in poisson)
        {
            var block = p.Problem.Blocks.OfType<PoissonLogBlock>().Single();
            // Offsets are log exposures in [log 0.25, log 4], spread over most of that range.
            Assert.IsTrue(block.Offset.All(o => o >= Math.Log(0.25) && o <= Math.Log(4)), p.Name);
            Assert.IsGreaterThan(Math.Log(4), block.Offset.Max() - block.Offset.Min(), p.Name);
            // About 2 events per unit exposure, with zeros and a tail.
            double rate = block.Y.Sum() / block.Offset.Sum(Math.Exp);
            Assert.IsTrue(rate is > 1 and < 4, $"{p.Name}: {rate} per unit exposure");
            Assert.IsTrue(block.Y.Contains(0) && block.Y.Max() >= 8, $"{p.Name}: counts {block.Y.Min()}..{block.Y.Max()}");
        }
    }

    [TestMethod]
    public void TheCommittedReferencesMatchTheSuite()
    {
        var set = ReferenceStore.Load(Path.Combine(AppContext.BaseDirectory, "real", "references.json"));
        foreach (var p in Suite)
        {
            var reference = ReferenceStore.Require(set, p, "references.json");
            Assert.HasCount(p.Problem.Dimension, reference.Mean, p.Name);
            Assert.IsTrue(reference.Method == "exact" || reference.Nuts is { Converged: true }, p.Name);
        }
    }

    private static BernoulliLogitBlock Logit(SuiteProblem p) => p.Problem.Blocks.OfType<BernoulliLogitBlock>().Single();

    private static double[] Column(LinearBlock block, int j) => Enumerable.Range(0, block.Count).Select(r => block.Row(r)[j]).ToArray();

    private static double StandardDeviation(double[] x)
    {
        double mean = x.Average();
        return Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / (x.Length - 1));
    }
}
