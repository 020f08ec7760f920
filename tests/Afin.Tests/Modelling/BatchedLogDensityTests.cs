using Afin.Modelling;

namespace Afin.Tests.Modelling;

/// <summary>The values-only batch of the importance weights agrees with the log density evaluated point by point.</summary>
[TestClass]
public sealed class BatchedLogDensityTests
{
    public static IEnumerable<object[]> BlockFamilies => TestProblems.BlockFamilies.Select(f => new object[] { f });

    public static IEnumerable<object[]> OffsetFamilies => TestProblems.OffsetFamilies.Select(f => new object[] { f });

    [TestMethod]
    [DynamicData(nameof(BlockFamilies))]
    public void BatchMatchesPointByPointForEveryFamily(string family)
    {
        // N = 37 and d = 5: neither is a multiple of the vector width, so every tail of the predictor kernel runs.
        var rng = new Random(21);
        var problem = BayesianProblem.Create(TestProblems.RandomPrior(rng, "student_t", 5), [TestProblems.RandomBlock(rng, family, 5, 37)]);
        AssertBatchMatches(problem, rng);
    }

    [TestMethod]
    [DynamicData(nameof(OffsetFamilies))]
    public void BatchMatchesPointByPointWithOffsets(string family)
    {
        var rng = new Random(22);
        var problem = BayesianProblem.Create(TestProblems.RandomPrior(rng, "laplace", 3), [TestProblems.RandomOffsetBlock(rng, family, 3, 70)]);
        AssertBatchMatches(problem, rng);
    }

    [TestMethod]
    public void BatchMatchesPointByPointWithWeightsIncludingZero()
    {
        var rng = new Random(23);
        var x = TestProblems.RandomMatrix(rng, 19, 4);
        var weights = Enumerable.Range(0, 19).Select(n => n % 5 == 0 ? 0.0 : 0.5 + n % 3).ToArray();
        var y = TestProblems.RandomVector(rng, 19).Select(v => v > 0 ? 1.0 : 0.0).ToArray();
        ObservationBlock[] blocks =
        [
            new BernoulliLogitBlock(x, y) { Weight = weights },
            new LinearGaussianBlock(x, TestProblems.RandomVector(rng, 19), [0.7]) { Weight = weights },
            new BinomialLogitBlock(x, y.Select(v => 2 * v).ToArray(), [3.0]) { Weight = weights },
        ];
        AssertBatchMatches(BayesianProblem.Create(new GaussianPrior(0, 1), blocks), rng);
    }

    [TestMethod]
    public void BatchOfAWideRealisticRegressionMatches()
    {
        // The shape of the realistic suite's larger logistic regressions, where the batch matters: N = 400, d = 24.
        var rng = new Random(24);
        var x = TestProblems.RandomMatrix(rng, 400, 24, 0.5);
        var y = TestProblems.RandomVector(rng, 400).Select(v => v > 0.3 ? 1.0 : 0.0).ToArray();
        AssertBatchMatches(BayesianProblem.Create(new GaussianPrior(0, 2), [new BernoulliLogitBlock(x, y)]), rng);
    }

    private static void AssertBatchMatches(BayesianProblem problem, Random rng)
    {
        var density = problem.LogDensity();
        int d = density.Dimension, count = 9;
        var points = TestProblems.RandomMatrix(rng, count, d, 1.5);
        var batch = new double[count];
        density.EvaluateValues(points, batch);
        for (int b = 0; b < count; b++)
        {
            double single = density.Evaluate(Enumerable.Range(0, d).Select(j => points[b, j]).ToArray());
            Assert.AreEqual(single, batch[b], 1e-11 * Math.Max(1, Math.Abs(single)), $"point {b}");
        }
    }
}
