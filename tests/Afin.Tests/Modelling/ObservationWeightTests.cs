using Afin.Inference;
using Afin.Laplace;
using Afin.Modelling;
using Afin.Persistence;
using Afin.References;

namespace Afin.Tests.Modelling;

/// <summary>A weight w on a row counts its log-likelihood w times: weight 2 is the row observed twice, 0 leaves it out.</summary>
[TestClass]
public sealed class ObservationWeightTests
{
    private static readonly string[] WeightedFamilies = ["linear_gaussian", "linear_student_t", "bernoulli_logit", "binomial_logit", "poisson_log"];

    [TestMethod]
    public void WholeNumberWeightsEqualRepeatedRowsInTheLogDensityAndItsGradient()
    {
        foreach (string family in WeightedFamilies)
        {
            var rng = new Random(7);
            var block = (LinearBlock)TestProblems.RandomBlock(rng, family, 3, 5);
            double[] weights = [2, 0, 1, 3, 1];
            var prior = new GaussianPrior(0, 1.5);
            var weighted = BayesianProblem.Create(prior, [Weighted(block, weights)]);
            var repeated = BayesianProblem.Create(prior, [Repeated(block, weights)]);
            var z = TestProblems.RandomVector(rng, 3, 0.5);
            double[] g1 = new double[3], g2 = new double[3];
            double v1 = weighted.LogDensity().Evaluate(z, g1), v2 = repeated.LogDensity().Evaluate(z, g2);
            Assert.AreEqual(v2, v1, 1e-9 * Math.Max(1, Math.Abs(v2)), family);
            for (int j = 0; j < 3; j++)
            {
                Assert.AreEqual(g2[j], g1[j], 1e-9 * Math.Max(1, Math.Abs(g2[j])), $"{family}: gradient {j}");
            }
        }
    }

    [TestMethod]
    public void ExactAndLaplacePosteriorsOfWeightedRowsEqualThoseOfRepeatedRows()
    {
        var rng = new Random(8);
        double[] weights = [2, 0, 1, 3, 1, 2];
        foreach (string family in new[] { "linear_gaussian", "bernoulli_logit" })
        {
            var block = (LinearBlock)TestProblems.RandomBlock(rng, family, 2, 6);
            var weighted = BayesianProblem.Create(new GaussianPrior(0, 1), [Weighted(block, weights)]);
            var repeated = BayesianProblem.Create(new GaussianPrior(0, 1), [Repeated(block, weights)]);
            var a = LaplaceApproximation.Compute(weighted);
            var b = LaplaceApproximation.Compute(repeated);
            CollectionAssert.AreEqual(b.Mode.Select(v => Math.Round(v, 8)).ToArray(), a.Mode.Select(v => Math.Round(v, 8)).ToArray(), family);
            Assert.AreEqual(b.Covariance[0, 1], a.Covariance[0, 1], 1e-8, family);
            if (family == "linear_gaussian")
            {
                var exact = ExactPosterior.Compute(weighted);
                var reference = ExactPosterior.Compute(repeated);
                Assert.AreEqual(reference.Mean[0], exact.Mean[0], 1e-10);
                Assert.AreEqual(reference.Covariance[1, 1], exact.Covariance[1, 1], 1e-10);
            }
        }
    }

    [TestMethod]
    public void WeightsTravelThroughJsonAndBadWeightsAreNamed()
    {
        var block = new BernoulliLogitBlock(new double[,] { { 1, 0.5 }, { 1, -0.2 } }, [1, 0]) { Weight = [2.5, 0.5] };
        var problem = BayesianProblem.Create(new GaussianPrior(0, 1), [block]);
        var again = ProblemJson.Parse(ProblemJson.Serialize(problem));
        CollectionAssert.AreEqual(new[] { 2.5, 0.5 }, ((LinearBlock)again.Blocks[0]).Weight);
        Assert.IsTrue(again.HasWeights);

        string Json(string weight) => $$"""{"prior": {"family": "gaussian", "loc": 0, "scale": 1}, "observations": [{"family": "poisson_log", "x": [[1.0], [2.0]], "y": [1, 3], "weight": {{weight}}}]}""";
        Assert.AreEqual(2.0, ((LinearBlock)ProblemJson.Parse(Json("2")).Blocks[0]).Weight![1], "a single weight applies to every row");
        Assert.AreEqual("observations[0].weight[1]", Assert.ThrowsExactly<ProblemValidationException>(() => ProblemJson.Parse(Json("[1, -1]"))).Path);
        Assert.AreEqual("observations[0].weight", Assert.ThrowsExactly<ProblemValidationException>(() => ProblemJson.Parse(Json("[1, 1, 1]"))).Path);
        var direct = """{"prior": {"family": "gaussian", "loc": 0, "scale": 1}, "observations": [{"family": "direct_gaussian", "y": [[1.0]], "sigma": 1, "weight": 2}]}""";
        StringAssert.Contains(Assert.ThrowsExactly<ProblemValidationException>(() => ProblemJson.Parse(direct)).Path, "weight");
    }

    [TestMethod]
    public void TheNetworkRefusesWeightedProblemsAndAutoAnswersWithoutIt()
    {
        var rng = new Random(9);
        var block = (LinearBlock)TestProblems.RandomBlock(rng, "bernoulli_logit", 2, 12);
        double[] weights = [2, 1, 1, 3, 1, 2, 1, 1, 2, 1, 1, 1];
        var weighted = BayesianProblem.Create(new GaussianPrior(0, 1), [Weighted(block, weights)]);
        var model = AfinModel.LoadDefault();

        var refusal = Assert.ThrowsExactly<NotSupportedException>(() => model.Infer(weighted));
        StringAssert.Contains(refusal.Message, "not trained on weighted observations");
        Assert.IsFalse(AfinInference.NeedsNetwork(model, weighted, InferenceMode.Auto));

        var auto = AfinInference.Run(model, weighted, InferenceMode.Auto);
        Assert.AreNotEqual(InferenceMethod.Amortized, auto.Method);
        Assert.IsFalse(auto.InTrainingRange);
        CollectionAssert.Contains(auto.OutOfRangeReasons.ToArray(), "the observations carry weights, which the network was not trained on");
        var laplace = LaplaceApproximation.Compute(BayesianProblem.Create(new GaussianPrior(0, 1), [Repeated(block, weights)]));
        for (int j = 0; j < 2; j++)
        {
            Assert.AreEqual(laplace.Mode[j], auto.Mean[j], 0.5 * Math.Sqrt(laplace.Covariance[j, j]), $"coordinate {j}");
        }
    }

    private static LinearBlock Weighted(LinearBlock block, double[] weights) => block switch
    {
        LinearGaussianBlock g => new LinearGaussianBlock(g.X, g.Y, g.Sigma) { Weight = weights },
        LinearStudentTBlock t => new LinearStudentTBlock(t.X, t.Y, t.Sigma, t.Df) { Weight = weights },
        BernoulliLogitBlock b => new BernoulliLogitBlock(b.X, b.Y, b.Offset) { Weight = weights },
        BinomialLogitBlock b => new BinomialLogitBlock(b.X, b.Y, b.TotalCount, b.Offset) { Weight = weights },
        PoissonLogBlock p => new PoissonLogBlock(p.X, p.Y, p.Offset) { Weight = weights },
        _ => throw new ArgumentException(block.Family),
    };

    /// <summary>The block with row n repeated weights[n] times (whole-number weights).</summary>
    private static LinearBlock Repeated(LinearBlock block, double[] weights)
    {
        var rows = Enumerable.Range(0, block.Count).SelectMany(n => Enumerable.Repeat(n, (int)weights[n])).ToArray();
        var source = block.X;
        var x = new double[rows.Length, source.GetLength(1)];
        for (int r = 0; r < rows.Length; r++)
        {
            for (int j = 0; j < source.GetLength(1); j++)
            {
                x[r, j] = source[rows[r], j];
            }
        }
        double[] Pick(double[] values) => values.Length == 1 ? values : rows.Select(n => values[n]).ToArray();
        var y = Pick(block.Y);
        return block switch
        {
            LinearGaussianBlock g => new LinearGaussianBlock(x, y, Pick(g.Sigma)),
            LinearStudentTBlock t => new LinearStudentTBlock(x, y, Pick(t.Sigma), Pick(t.Df)),
            BernoulliLogitBlock b => new BernoulliLogitBlock(x, y, Pick(b.Offset)),
            BinomialLogitBlock b => new BinomialLogitBlock(x, y, Pick(b.TotalCount), Pick(b.Offset)),
            PoissonLogBlock p => new PoissonLogBlock(x, y, Pick(p.Offset)),
            _ => throw new ArgumentException(block.Family),
        };
    }
}
