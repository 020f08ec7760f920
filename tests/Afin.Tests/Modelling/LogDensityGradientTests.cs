using Afin.Modelling;

namespace Afin.Tests.Modelling;

[TestClass]
public sealed class LogDensityGradientTests
{
    public static IEnumerable<object[]> PriorFamilies => TestProblems.PriorFamilies.Select(f => new object[] { f });

    public static IEnumerable<object[]> BlockFamilies => TestProblems.BlockFamilies.Select(f => new object[] { f });

    public static IEnumerable<object[]> OffsetFamilies => TestProblems.OffsetFamilies.Select(f => new object[] { f });

    [TestMethod]
    [DynamicData(nameof(PriorFamilies))]
    public void PriorGradientMatchesCentralDifferences(string family)
    {
        var rng = new Random(11);
        var problem = BayesianProblem.Create(TestProblems.RandomPrior(rng, family, 4));
        AssertGradientMatches(problem, rng);
    }

    [TestMethod]
    [DynamicData(nameof(BlockFamilies))]
    public void LikelihoodGradientMatchesCentralDifferences(string family)
    {
        var rng = new Random(12);
        var problem = BayesianProblem.Create(new GaussianPrior(0, 1), [TestProblems.RandomBlock(rng, family, 5, 7)]);
        AssertGradientMatches(problem, rng);
    }

    [TestMethod]
    [DynamicData(nameof(OffsetFamilies))]
    public void LikelihoodGradientWithOffsetsMatchesCentralDifferences(string family)
    {
        var rng = new Random(15);
        var problem = BayesianProblem.Create(TestProblems.RandomPrior(rng, "student_t", 5), [TestProblems.RandomOffsetBlock(rng, family, 5, 7)]);
        AssertGradientMatches(problem, rng);
    }

    [TestMethod]
    public void OffsetShiftsTheLinearPredictorExactly()
    {
        // eta_n = x_n . z + o_n, written out by hand for both logit families.
        var x = new double[,] { { 1.0, -0.5 }, { 0.3, 2.0 }, { -1.2, 0.4 } };
        double[] offset = [0.7, -1.1, 2.5];
        var z = new[] { 0.4, -0.3 };
        double[] eta = [.. Enumerable.Range(0, 3).Select(n => x[n, 0] * z[0] + x[n, 1] * z[1] + offset[n])];
        double LogSigmoid(double t) => -Math.Log(1 + Math.Exp(-t));
        double prior = BayesianProblem.Create(new GaussianPrior(0, 1), dimension: 2).LogDensity().Evaluate(z);

        var bernoulli = BayesianProblem.Create(new GaussianPrior(0, 1), [new BernoulliLogitBlock(x, [1, 0, 1], offset)]);
        double bernoulliByHand = LogSigmoid(eta[0]) + LogSigmoid(-eta[1]) + LogSigmoid(eta[2]);
        Assert.AreEqual(bernoulliByHand, bernoulli.LogDensity().Evaluate(z) - prior, 1e-12);

        var binomial = BayesianProblem.Create(new GaussianPrior(0, 1), [new BinomialLogitBlock(x, [2, 0, 4], [4, 3, 5], offset)]);
        double binomialByHand = Math.Log(6) + 2 * LogSigmoid(eta[0]) + 2 * LogSigmoid(-eta[0])
            + 3 * LogSigmoid(-eta[1])
            + Math.Log(5) + 4 * LogSigmoid(eta[2]) + LogSigmoid(-eta[2]);
        Assert.AreEqual(binomialByHand, binomial.LogDensity().Evaluate(z) - prior, 1e-12);
    }

    [TestMethod]
    public void ScalarOffsetIsBroadcastToEveryRow()
    {
        var rng = new Random(16);
        var x = TestProblems.RandomMatrix(rng, 4, 3);
        double[] y = [1, 0, 0, 1];
        var scalar = BayesianProblem.Create(new GaussianPrior(0, 1), [new BernoulliLogitBlock(x, y, [-0.8])]);
        var perRow = BayesianProblem.Create(new GaussianPrior(0, 1), [new BernoulliLogitBlock(x, y, [-0.8, -0.8, -0.8, -0.8])]);
        CollectionAssert.AreEqual(new[] { -0.8, -0.8, -0.8, -0.8 }, ((BernoulliLogitBlock)scalar.Blocks[0]).Offset);
        var z = TestProblems.RandomVector(rng, 3);
        Assert.AreEqual(perRow.LogDensity().Evaluate(z), scalar.LogDensity().Evaluate(z), 0);
        var without = BayesianProblem.Create(new GaussianPrior(0, 1), [new BinomialLogitBlock(x, [1, 2, 0, 3], 3)]);
        CollectionAssert.AreEqual(new[] { 0.0, 0.0, 0.0, 0.0 }, ((BinomialLogitBlock)without.Blocks[0]).Offset);
    }

    [TestMethod]
    public void MixedProblemIsTheSumOfItsFactors()
    {
        var rng = new Random(13);
        var prior = TestProblems.RandomPrior(rng, "student_t", 3);
        var blocks = TestProblems.BlockFamilies.Select(f => TestProblems.RandomBlock(rng, f, 3, 4))
            .Concat(TestProblems.OffsetFamilies.Select(f => TestProblems.RandomOffsetBlock(rng, f, 3, 4))).ToArray();
        var mixed = BayesianProblem.Create(prior, blocks).LogDensity();
        var z = TestProblems.RandomVector(rng, 3);
        double sum = BayesianProblem.Create(prior).LogDensity().Evaluate(z);
        foreach (var block in blocks)
        {
            // Each block alone under a flat-ish reference prior; subtract that prior back out.
            var reference = new GaussianPrior(0, 1);
            sum += BayesianProblem.Create(reference, [block]).LogDensity().Evaluate(z) - BayesianProblem.Create(reference, dimension: 3).LogDensity().Evaluate(z);
        }
        Assert.AreEqual(sum, mixed.Evaluate(z), 1e-9);
        AssertGradientMatches(BayesianProblem.Create(prior, blocks), rng);
    }

    [TestMethod]
    public void FactorsAreNormalisedDensities()
    {
        // Each family's density integrates to one over its observation: check a 1-d linear Gaussian,
        // Student-t and the binomial's probabilities against known values.
        var z = new[] { 0.3 };
        var gaussian = BayesianProblem.Create(new GaussianPrior(0, 2), dimension: 1).LogDensity().Evaluate(z);
        Assert.AreEqual(-0.5 * (0.15 * 0.15) - Math.Log(2) - 0.5 * Math.Log(2 * Math.PI), gaussian, 1e-12);
        var binomial = BayesianProblem.Create(new GaussianPrior(0, 1), [new BinomialLogitBlock(new double[,] { { 1.0 } }, [2], 5)]);
        double p = 1 / (1 + Math.Exp(-0.3));
        double expected = Math.Log(10 * p * p * Math.Pow(1 - p, 3));
        double prior = BayesianProblem.Create(new GaussianPrior(0, 1), dimension: 1).LogDensity().Evaluate(z);
        Assert.AreEqual(expected, binomial.LogDensity().Evaluate(z) - prior, 1e-12);
        // t_3 at r = 0.5, scale 1: Gamma(2) / (Gamma(1.5) sqrt(3 pi)) (1 + 0.25/3)^-2
        var t = BayesianProblem.Create(new GaussianPrior(0, 1), [new LinearStudentTBlock(new double[,] { { 1.0 } }, [0.8], 1.0, 3.0)]);
        double tDensity = 1 / (0.5 * Math.Sqrt(Math.PI) * Math.Sqrt(3 * Math.PI)) * Math.Pow(1 + 0.25 / 3, -2);
        Assert.AreEqual(Math.Log(tDensity), t.LogDensity().Evaluate(z) - prior, 1e-12);
    }

    [TestMethod]
    public void BatchEvaluationEqualsPointwise()
    {
        var rng = new Random(14);
        var problem = BayesianProblem.Create(TestProblems.RandomPrior(rng, "laplace", 3), [TestProblems.RandomBlock(rng, "bernoulli_logit", 3, 10)]);
        var density = problem.LogDensity();
        var points = TestProblems.RandomMatrix(rng, 6, 3);
        var values = new double[6];
        var gradients = new double[6, 3];
        density.EvaluateBatch(points, values, gradients);
        var g = new double[3];
        for (int b = 0; b < 6; b++)
        {
            double v = density.Evaluate(new[] { points[b, 0], points[b, 1], points[b, 2] }, g);
            Assert.AreEqual(v, values[b], 0);
            CollectionAssert.AreEqual(g, new[] { gradients[b, 0], gradients[b, 1], gradients[b, 2] });
        }
    }

    [TestMethod]
    public void LogisticFamiliesStayFiniteForExtremePredictors()
    {
        var problem = BayesianProblem.Create(new GaussianPrior(0, 1),
            [new BernoulliLogitBlock(new double[,] { { 1.0 }, { 1.0 } }, [1, 0]), new BinomialLogitBlock(new double[,] { { -1.0 } }, [3], 3)]);
        var g = new double[1];
        double v = problem.LogDensity().Evaluate(new[] { 800.0 }, g);
        Assert.IsTrue(double.IsFinite(v) && double.IsFinite(g[0]), $"log density {v}, gradient {g[0]}");
    }

    private static void AssertGradientMatches(BayesianProblem problem, Random rng)
    {
        var density = problem.LogDensity();
        int d = problem.Dimension;
        for (int trial = 0; trial < 3; trial++)
        {
            var z = TestProblems.RandomVector(rng, d, 0.7);
            var gradient = new double[d];
            density.Evaluate(z, gradient);
            for (int i = 0; i < d; i++)
            {
                const double h = 1e-5;
                var plus = (double[])z.Clone();
                var minus = (double[])z.Clone();
                plus[i] += h;
                minus[i] -= h;
                double numeric = (density.Evaluate(plus) - density.Evaluate(minus)) / (2 * h);
                Assert.AreEqual(numeric, gradient[i], 1e-6 * Math.Max(1, Math.Abs(numeric)), $"coordinate {i} of {problem.Prior.Family} + {string.Join(",", problem.Blocks.Select(b => b.Family))}");
            }
        }
    }
}
