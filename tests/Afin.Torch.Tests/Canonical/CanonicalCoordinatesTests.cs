using Afin.Canonical;
using Afin.Laplace;
using Afin.Modelling;
using Afin.Network;
using Afin.Tests.Network;

namespace Afin.Tests.Canonical;

[TestClass]
public sealed class CanonicalCoordinatesTests
{
    public static IEnumerable<object[]> Cases()
    {
        foreach (var coordinates in new[] { LatentCoordinates.Diagonal, LatentCoordinates.Full })
        {
            foreach (var prior in TestProblems.PriorFamilies)
            {
                yield return [coordinates, prior];
            }
        }
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void TheTwinIsThePushforward(LatentCoordinates coordinates, string priorFamily)
    {
        // log p_u(u) - log p_z(m + L u) must be one constant: the twin is an unnormalised density of u whose posterior is
        // the pushforward (the vague prior that stands in where prior coordinates became sites adds only 1e-10 |u|² / 2).
        var rng = new Random(41);
        var problem = MixedProblem(rng, priorFamily, 3);
        var frame = CanonicalFrame.Create(problem, coordinates);
        var twin = frame.Problem.LogDensity();
        var original = problem.LogDensity();
        double? constant = null;
        for (int k = 0; k < 6; k++)
        {
            var u = TestProblems.RandomVector(rng, 3);
            var z = Row(frame.Map.ToLatent(Matrix(u)));
            double difference = twin.Evaluate(u) - original.Evaluate(z);
            constant ??= difference;
            Assert.AreEqual(constant.Value, difference, 1e-8 * Math.Max(1, Math.Abs(original.Evaluate(z))), $"point {k}");
        }
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void InCanonicalCoordinatesTheLaplaceApproximationIsStandard(LatentCoordinates coordinates, string priorFamily)
    {
        var problem = MixedProblem(new Random(42), priorFamily, 3);
        var frame = CanonicalFrame.Create(problem, coordinates);
        var inU = LaplaceApproximation.Compute(frame.Problem);
        for (int i = 0; i < 3; i++)
        {
            Assert.AreEqual(0, inU.Mode[i], 1e-6, $"mode[{i}]");
            Assert.AreEqual(1, inU.Covariance[i, i], 1e-6, $"variance[{i}]");
            if (coordinates == LatentCoordinates.Full)
            {
                for (int j = 0; j < i; j++)
                {
                    Assert.AreEqual(0, inU.Covariance[i, j], 1e-6, $"covariance[{i}][{j}]");
                }
            }
        }
    }

    [TestMethod]
    public void TheMapBackIsExactOnMomentsDrawsAndLogDensities()
    {
        var rng = new Random(43);
        var problem = MixedProblem(rng, "gaussian", 3);
        var frame = CanonicalFrame.Create(problem, LatentCoordinates.Full);
        // A Gaussian posterior of u with mean mu and precision factor C.
        double[] mu = [0.3, -0.2, 0.1];
        var c = new double[,] { { 1.2, 0, 0 }, { 0.3, 0.9, 0 }, { -0.1, 0.2, 1.1 } };
        var inU = new GaussianAfinPosterior(mu, c);
        var mapped = new CanonicalAfinPosterior(inU, frame.Map);
        var draws = mapped.Sample(5, seed: 9);
        var drawsU = inU.Sample(5, seed: 9);
        var expected = frame.Map.ToLatent(drawsU);
        for (int n = 0; n < 5; n++)
        {
            for (int i = 0; i < 3; i++)
            {
                Assert.AreEqual(expected[n, i], draws[n, i], 1e-12);
            }
        }
        // The mapped posterior is N(m + L mu, L Cov Lᵀ): compare its log density with that Gaussian's, computed directly.
        var mean = mapped.Mean;
        var covariance = mapped.Covariance;
        var expectedMean = Row(frame.Map.ToLatent(Matrix(mu)));
        var inverse = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(covariance).Inverse();
        double logDet = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(covariance).Cholesky().DeterminantLn;
        var logq = mapped.LogDensity(draws);
        for (int n = 0; n < 5; n++)
        {
            var r = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(3, i => draws[n, i] - expectedMean[i]);
            double direct = -0.5 * (3 * Math.Log(2 * Math.PI) + logDet + r * inverse * r);
            Assert.AreEqual(direct, logq[n], 1e-9, $"draw {n}");
        }
        for (int i = 0; i < 3; i++)
        {
            Assert.AreEqual(expectedMean[i], mean[i], 1e-12);
        }
    }

    [TestMethod]
    [DataRow("bernoulli_logit")]
    [DataRow("poisson_log")]
    public void CentringAndScalingTheFeaturesGiveTheSameWhitenedProblem(string family)
    {
        // A user who centres and rescales the features (an upper-triangular change of the coefficients, the intercept
        // first) states the same posterior; in Full coordinates both reach the network as the same problem.
        var (problem, twin, _) = CentredAndScaledTwins(new Random(44), family);
        var a = CanonicalFrame.Create(problem, LatentCoordinates.Full).Problem;
        var c = CanonicalFrame.Create(twin, LatentCoordinates.Full).Problem;
        var sitesA = (LinearBlock)a.Blocks[0];
        var sitesC = (LinearBlock)c.Blocks[0];
        double[] Offset(LinearBlock b) => b is PoissonLogBlock p ? p.Offset : ((BernoulliLogitBlock)b).Offset;
        for (int r = 0; r < sitesA.Count; r++)
        {
            Assert.AreEqual(Offset(sitesA)[r], Offset(sitesC)[r], 1e-7, $"offset[{r}]");
            for (int j = 0; j < 3; j++)
            {
                Assert.AreEqual(sitesA.Row(r)[j], sitesC.Row(r)[j], 1e-7, $"x[{r}][{j}]");
            }
        }
    }

    [TestMethod]
    [DataRow("linear_gaussian")]
    [DataRow("linear_student_t")]
    public void TheUnitsOfTheNoiseDoNotReachTheNetwork(string family)
    {
        // y ~ N(x·z, σ²) and c y ~ N(c x·z, (c σ)²) are one posterior of z; stated in y's units of 2 and of 1000 (σ far
        // beyond the 0.45-1 a model trained on) they must reach the network as one twin, every site at SiteNoiseScale.
        var rng = new Random(45);
        int n = 30;
        var x = new double[n, 3];
        var y = new double[n];
        for (int r = 0; r < n; r++)
        {
            x[r, 0] = 1;
            x[r, 1] = TestProblems.Normal(rng);
            x[r, 2] = 3 * TestProblems.Normal(rng);
            y[r] = 0.5 + x[r, 1] - 0.2 * x[r, 2] + 0.4 * TestProblems.Normal(rng);
        }
        BayesianProblem Stated(double c)
        {
            var cx = new double[n, 3];
            for (int r = 0; r < n; r++)
            {
                for (int j = 0; j < 3; j++)
                {
                    cx[r, j] = c * x[r, j];
                }
            }
            var cy = y.Select(v => c * v).ToArray();
            ObservationBlock block = family == "linear_gaussian"
                ? new LinearGaussianBlock(cx, cy, c * 0.4)
                : new LinearStudentTBlock(cx, cy, c * 0.4, 4);
            return BayesianProblem.Create(new GaussianPrior([0, 0, 0], [2, 2, 2]), [block], 3);
        }
        var small = (LinearBlock)CanonicalFrame.Create(Stated(5), LatentCoordinates.Full).Problem.Blocks[0];
        var large = (LinearBlock)CanonicalFrame.Create(Stated(2500), LatentCoordinates.Full).Problem.Blocks[0];
        double[] Noise(LinearBlock b) => b is LinearGaussianBlock g ? g.Sigma : ((LinearStudentTBlock)b).Sigma;
        for (int r = 0; r < n; r++)
        {
            Assert.AreEqual(CanonicalProblem.SiteNoiseScale, Noise(small)[r], 1e-15, $"small sigma[{r}]");
            Assert.AreEqual(CanonicalProblem.SiteNoiseScale, Noise(large)[r], 1e-15, $"large sigma[{r}]");
            Assert.AreEqual(small.Y[r], large.Y[r], 1e-6 * (1 + Math.Abs(small.Y[r])), $"y[{r}]");
            for (int j = 0; j < 3; j++)
            {
                Assert.AreEqual(small.Row(r)[j], large.Row(r)[j], 1e-6 * (1 + Math.Abs(small.Row(r)[j])), $"x[{r}][{j}]");
            }
        }
    }

    /// <summary>
    /// A logistic (or Poisson, with exposures) regression with an intercept and raw features, and its twin in z' = B⁻¹ z
    /// with B centring and scaling them: design X B, and the prior N(0, P⁻¹) on z becomes precision Bᵀ P B on z'.
    /// </summary>
    private static (BayesianProblem Problem, BayesianProblem Twin, double[,] B) CentredAndScaledTwins(Random rng, string family = "bernoulli_logit")
    {
        int n = 40;
        var x = new double[n, 3];
        var y = new double[n];
        for (int r = 0; r < n; r++)
        {
            x[r, 0] = 1;
            x[r, 1] = 5 + 3 * TestProblems.Normal(rng);
            x[r, 2] = 100 + 20 * TestProblems.Normal(rng);
            y[r] = rng.NextDouble() < 0.4 ? 1 : 0;
        }
        var b = new double[,] { { 1, -5, -100 }, { 0, 3, 0 }, { 0, 0, 20 } };
        var precision = new double[,] { { 0.04, 0, 0 }, { 0, 1, 0 }, { 0, 0, 0.25 } };
        ObservationBlock Sites(double[,] design) => family == "poisson_log"
            ? new PoissonLogBlock(design, y.Select((v, r) => v + r % 3).ToArray(), y.Select((_, r) => Math.Log(0.5 + r % 4 * 0.5)).ToArray())
            : new BernoulliLogitBlock(design, y);
        var problem = BayesianProblem.Create(new FullRankGaussianPrior([0.0], precision), [Sites(x)]);
        var twin = BayesianProblem.Create(new FullRankGaussianPrior([0.0], Congruence(b, precision)), [Sites(Product(x, b))]);
        return (problem, twin, b);
    }

    [TestMethod]
    public void AProblemAndItsReparameterisedTwinGetTheSameMappedPosterior()
    {
        // Through a network with non-trivial weights: the twin's answer, mapped by z = B z', is the problem's answer.
        var (problem, twin, b) = CentredAndScaledTwins(new Random(46));
        using var network = NetworkTestKit.Perturbed(NetworkTestKit.Tiny(PosteriorFamily.Gaussian) with { Coordinates = LatentCoordinates.Full, FeatureVersion = 2 }, seed: 3);
        var posteriors = network.Infer([problem, twin]);
        var mean = posteriors[0].Mean;
        var twinMean = posteriors[1].Mean;
        var covariance = posteriors[0].Covariance;
        var twinCovariance = Congruence(Transpose(b), posteriors[1].Covariance);
        for (int i = 0; i < 3; i++)
        {
            double sd = Math.Sqrt(covariance[i, i]);
            double mapped = Enumerable.Range(0, 3).Sum(k => b[i, k] * twinMean[k]);
            Assert.AreEqual(mean[i], mapped, 1e-4 * sd, $"mean[{i}]");
            for (int j = 0; j < 3; j++)
            {
                Assert.AreEqual(covariance[i, j], twinCovariance[i, j], 1e-4 * sd * Math.Sqrt(covariance[j, j]), $"covariance[{i}][{j}]");
            }
        }
    }

    [TestMethod]
    public void AnUntrainedGaussianNetworkInFullCoordinatesAnswersTheLaplaceApproximation()
    {
        // Its decoder starts at N(0, I), which in Full coordinates is the Laplace approximation: the product starts at
        // Laplace quality before any training.
        var rng = new Random(45);
        var problem = MixedProblem(rng, "student_t", 3);
        using var network = new AfinNetwork(NetworkTestKit.Tiny(PosteriorFamily.Gaussian) with { Coordinates = LatentCoordinates.Full, FeatureVersion = AfinNetworkOptions.LatestFeatureVersion });
        var q = network.Infer([problem])[0];
        var laplace = LaplaceApproximation.Compute(problem);
        var sd = laplace.StdDev;
        for (int i = 0; i < 3; i++)
        {
            Assert.AreEqual(laplace.Mode[i], q.Mean[i], 1e-3 * sd[i], $"mean[{i}]");
            Assert.AreEqual(laplace.Covariance[i, i], q.Covariance[i, i], 1e-3 * laplace.Covariance[i, i], $"variance[{i}]");
        }
    }

    [TestMethod]
    public void LaplaceCoordinatesNeedTheOffsetFeatures()
    {
        var options = NetworkTestKit.Tiny(PosteriorFamily.Gaussian) with { Coordinates = LatentCoordinates.Diagonal, FeatureVersion = 1 };
        var error = Assert.ThrowsExactly<ArgumentException>(options.Validate);
        Assert.AreEqual(nameof(AfinNetworkOptions.FeatureVersion), error.ParamName);
    }

    private static BayesianProblem MixedProblem(Random rng, string priorFamily, int d)
    {
        var x = TestProblems.RandomMatrix(rng, 12, d);
        for (int r = 0; r < 12; r++)
        {
            x[r, 0] = 1;
        }
        var labels = Enumerable.Range(0, 12).Select(_ => rng.NextDouble() < 0.3 ? 1.0 : 0.0).ToArray();
        return BayesianProblem.Create(TestProblems.RandomPrior(rng, priorFamily, d),
        [
            new BernoulliLogitBlock(x, labels, TestProblems.RandomVector(rng, 12, 0.3)),
            TestProblems.RandomBlock(rng, "linear_student_t", d, 5),
            TestProblems.RandomBlock(rng, "direct_gaussian", d, 2),
            TestProblems.RandomBlock(rng, "binomial_logit", d, 4),
            TestProblems.RandomBlock(rng, "poisson_log", d, 6),
        ]);
    }

    private static double[,] Matrix(double[] row)
    {
        var m = new double[1, row.Length];
        for (int i = 0; i < row.Length; i++)
        {
            m[0, i] = row[i];
        }
        return m;
    }

    private static double[] Row(double[,] m) => Enumerable.Range(0, m.GetLength(1)).Select(i => m[0, i]).ToArray();

    private static double[,] Product(double[,] a, double[,] b)
    {
        int rows = a.GetLength(0), inner = b.GetLength(0), cols = b.GetLength(1);
        var result = new double[rows, cols];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                for (int k = 0; k < inner; k++)
                {
                    result[i, j] += a[i, k] * b[k, j];
                }
            }
        }
        return result;
    }

    private static double[,] Transpose(double[,] a)
    {
        int rows = a.GetLength(0), cols = a.GetLength(1);
        var result = new double[cols, rows];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                result[j, i] = a[i, j];
            }
        }
        return result;
    }

    /// <summary>Bᵀ P B.</summary>
    private static double[,] Congruence(double[,] b, double[,] p)
    {
        int d = b.GetLength(0);
        var bt = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                bt[i, j] = b[j, i];
            }
        }
        var result = Product(Product(bt, p), b);
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < i; j++)
            {
                result[i, j] = result[j, i] = 0.5 * (result[i, j] + result[j, i]);
            }
        }
        return result;
    }
}
