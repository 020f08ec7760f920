using Afin.Laplace;
using Afin.Modelling;
using Afin.References;

namespace Afin.Tests.Laplace;

[TestClass]
public sealed class LaplaceApproximationTests
{
    public static IEnumerable<object[]> ConjugateProblems()
    {
        var rng = new Random(31);
        yield return ["linear, diagonal prior", BayesianProblem.Create(new GaussianPrior(TestProblems.RandomVector(rng, 3), [0.5, 2, 10]),
            [TestProblems.RandomBlock(rng, "linear_gaussian", 3, 20)])];
        yield return ["direct + linear, full-rank prior", BayesianProblem.Create(TestProblems.RandomPrior(rng, "full_rank_gaussian", 4),
            [TestProblems.RandomBlock(rng, "direct_gaussian", 4, 3), TestProblems.RandomBlock(rng, "linear_gaussian", 4, 6)])];
        yield return ["prior only", BayesianProblem.Create(new GaussianPrior(3, 0.2), dimension: 2)];
        yield return ["intercept and scales 0.01 to 100", BayesianProblem.Create(new GaussianPrior(0, 5), [UnequallyScaledLinear(rng, 40)])];
    }

    [TestMethod]
    [DynamicData(nameof(ConjugateProblems))]
    public void EqualsTheExactPosteriorOfConjugateProblems(string name, BayesianProblem problem)
    {
        var laplace = LaplaceApproximation.Compute(problem);
        var exact = ExactPosterior.Compute(problem);
        Assert.IsTrue(laplace.Converged, laplace.Message);
        var sd = exact.StdDev;
        for (int i = 0; i < problem.Dimension; i++)
        {
            Assert.AreEqual(exact.Mean[i], laplace.Mode[i], 1e-10 * sd[i], $"{name}: mode[{i}]");
            for (int j = 0; j < problem.Dimension; j++)
            {
                Assert.AreEqual(exact.Covariance[i, j], laplace.Covariance[i, j], 1e-10 * sd[i] * sd[j], $"{name}: covariance[{i}][{j}]");
            }
        }
        Assert.AreEqual(exact.LogMarginalLikelihood, laplace.LogMarginalLikelihood, 1e-8 * Math.Max(1, Math.Abs(exact.LogMarginalLikelihood)), name);
        Assert.AreEqual(LaplaceCurvature.Observed, laplace.Curvature);
    }

    [TestMethod]
    public void OneDimensionalLogisticModeAndCurvatureMatchDirectSearchOfTheDensity()
    {
        var rng = new Random(32);
        var x = TestProblems.RandomMatrix(rng, 30, 1, 1.5);
        var y = Enumerable.Range(0, 30).Select(n => rng.NextDouble() < Logistic(0.8 * x[n, 0]) ? 1.0 : 0.0).ToArray();
        var problem = BayesianProblem.Create(new StudentTPrior(0.3, 1, 4), [new BernoulliLogitBlock(x, y)]);
        var laplace = LaplaceApproximation.Compute(problem);
        var density = problem.LogDensity();
        double mode = GoldenSection(t => density.Evaluate([t]), -20, 20);
        Assert.AreEqual(mode, laplace.Mode[0], 1e-7);
        double curvature = -SecondDifference(t => density.Evaluate([t]), mode);
        Assert.AreEqual(curvature, laplace.Precision[0, 0], 1e-4 * curvature);
    }

    [TestMethod]
    public void TwoDimensionalMixedModeAndCurvatureMatchDirectSearchOfTheDensity()
    {
        var rng = new Random(33);
        var design = Intercept(TestProblems.RandomMatrix(rng, 25, 1, 2));
        var counts = Enumerable.Range(0, 25).Select(n => (double)rng.Next(0, 6)).ToArray();
        var problem = BayesianProblem.Create(new GaussianPrior([0, 0], [2, 1]),
            [new BinomialLogitBlock(design, counts, 5), new LinearStudentTBlock(design, TestProblems.RandomVector(rng, 25), 0.8, 5)]);
        var laplace = LaplaceApproximation.Compute(problem);
        var density = problem.LogDensity();
        double Profile(double a) => density.Evaluate([a, GoldenSection(b => density.Evaluate([a, b]), -20, 20)]);
        double a = GoldenSection(Profile, -20, 20);
        double b = GoldenSection(t => density.Evaluate([a, t]), -20, 20);
        Assert.AreEqual(a, laplace.Mode[0], 1e-6);
        Assert.AreEqual(b, laplace.Mode[1], 1e-6);
        const double h = 1e-4;
        double F(double u, double v) => density.Evaluate([u, v]);
        double haa = -SecondDifference(t => F(t, b), a);
        double hbb = -SecondDifference(t => F(a, t), b);
        double hab = -(F(a + h, b + h) - F(a + h, b - h) - F(a - h, b + h) + F(a - h, b - h)) / (4 * h * h);
        Assert.AreEqual(haa, laplace.Precision[0, 0], 1e-4 * haa);
        Assert.AreEqual(hbb, laplace.Precision[1, 1], 1e-4 * hbb);
        Assert.AreEqual(hab, laplace.Precision[0, 1], 1e-4 * Math.Sqrt(haa * hbb));
    }

    [TestMethod]
    public void OneDimensionalPoissonModeAndCurvatureMatchDirectSearchOfTheDensity()
    {
        // Counts with per-row exposures: the offset log t_n shifts every row's predictor.
        var rng = new Random(38);
        var x = TestProblems.RandomMatrix(rng, 25, 1);
        var offset = Enumerable.Range(0, 25).Select(_ => Math.Log(0.5 + 1.5 * rng.NextDouble())).ToArray();
        var y = Enumerable.Range(0, 25).Select(n => (double)MathNet.Numerics.Distributions.Poisson.Sample(rng, Math.Exp(0.6 * x[n, 0] + 1 + offset[n]))).ToArray();
        var problem = BayesianProblem.Create(new GaussianPrior(-0.5, 2), [new PoissonLogBlock(x, y, offset)]);
        var laplace = LaplaceApproximation.Compute(problem);
        Assert.IsTrue(laplace.Converged, laplace.Message);
        var density = problem.LogDensity();
        double mode = GoldenSection(t => density.Evaluate([t]), -20, 20);
        Assert.AreEqual(mode, laplace.Mode[0], 1e-7);
        double curvature = -SecondDifference(t => density.Evaluate([t]), mode);
        Assert.AreEqual(curvature, laplace.Precision[0, 0], 1e-4 * curvature);
        Assert.AreEqual(LaplaceCurvature.Observed, laplace.Curvature);
    }

    [TestMethod]
    public void AFirstNewtonStepIntoOverflowingPoissonMeansIsBacktracked()
    {
        // From the prior's location z = 0 the full Newton step for counts of 1000 lands near z = 1000, where exp(z)
        // overflows and the log density is -inf: the line search must shorten it rather than fail.
        var problem = BayesianProblem.Create(new GaussianPrior(0, 100), [new PoissonLogBlock(new double[,] { { 1 }, { 1 }, { 1 } }, [1000, 990, 1010])]);
        var density = problem.LogDensity();
        Assert.AreEqual(double.NegativeInfinity, density.Evaluate([1000.0]));
        var laplace = LaplaceApproximation.Compute(problem);
        Assert.IsTrue(laplace.Converged, laplace.Message);
        double mode = GoldenSection(t => density.Evaluate([t]), -20, 20);
        Assert.AreEqual(mode, laplace.Mode[0], 1e-7);
        Assert.AreEqual(Math.Log(1000), mode, 1e-4);
        Assert.AreEqual(3 * Math.Exp(laplace.Mode[0]) + 1e-4, laplace.Precision[0, 0], 1e-12 * laplace.Precision[0, 0]);
    }

    [TestMethod]
    public void WithManyObservationsTheApproximationMatchesQuadratureMoments()
    {
        // Bernstein-von Mises: at N = 2000 a logistic posterior is nearly Gaussian, so the Laplace mean, variance and
        // evidence must agree with quadrature of the exact density to a few parts in a thousand.
        var rng = new Random(34);
        var x = TestProblems.RandomMatrix(rng, 2000, 1);
        var y = Enumerable.Range(0, 2000).Select(n => rng.NextDouble() < Logistic(-0.7 * x[n, 0]) ? 1.0 : 0.0).ToArray();
        var problem = BayesianProblem.Create(new GaussianPrior(0, 3), [new BernoulliLogitBlock(x, y)]);
        var laplace = LaplaceApproximation.Compute(problem);
        var (logZ, mean, variance) = Quadrature(problem.LogDensity(), laplace.Mode[0], Math.Sqrt(laplace.Covariance[0, 0]));
        double sd = Math.Sqrt(variance);
        Assert.AreEqual(mean, laplace.Mode[0], 0.05 * sd);
        Assert.AreEqual(variance, laplace.Covariance[0, 0], 0.02 * variance);
        Assert.AreEqual(logZ, laplace.LogMarginalLikelihood, 0.01);
    }

    [TestMethod]
    public void SeparatedLogisticDataConvergeToAFiniteModeThatThePriorHolds()
    {
        // Every positive x has y = 1 and every negative one y = 0: the likelihood alone has no maximum.
        double[] xs = [-2, -1.5, -1, -0.5, -0.2, 0.2, 0.5, 1, 1.5, 2];
        var x = Intercept(Column(xs));
        var y = xs.Select(v => v > 0 ? 1.0 : 0.0).ToArray();
        foreach (Prior prior in new Prior[] { new GaussianPrior(0, 2.5), new StudentTPrior(0, 2.5, 3), new LaplacePrior(0, 2.5) })
        {
            var laplace = LaplaceApproximation.Compute(BayesianProblem.Create(prior, [new BernoulliLogitBlock(x, y)]));
            Assert.IsTrue(laplace.Converged, $"{prior.Family}: {laplace.Message}");
            Assert.IsTrue(laplace.Mode[1] > 1 && laplace.Mode[1] < 50, $"{prior.Family}: slope {laplace.Mode[1]}");
            Assert.IsTrue(laplace.StdDev.All(double.IsFinite), prior.Family);
            if (prior is not LaplacePrior)
            {
                // (A Laplace prior's mode may sit on its kink, where the gradient is a subgradient.)
                AssertStationary(BayesianProblem.Create(prior, [new BernoulliLogitBlock(x, y)]), laplace, 1e-8);
            }
        }
    }

    [TestMethod]
    public void LaplacePriorModeIsTheSoftThresholdOfTheDataAndItsWidthIsTheDocumentedOne()
    {
        // One coordinate, Gaussian data with mean ybar and variance tau² = sigma²/N, Laplace(0, s) prior: the exact mode is
        // sign(ybar) max(|ybar| - tau²/s, 0).
        const double s = 0.5, sigma = 1;
        foreach (double ybar in new[] { 0.1, 0.9, -1.7 })
        {
            var x = Column(Enumerable.Repeat(1.0, 10).ToArray());
            var problem = BayesianProblem.Create(new LaplacePrior(0, s), [new LinearGaussianBlock(x, Enumerable.Repeat(ybar, 10).ToArray(), sigma)]);
            var laplace = LaplaceApproximation.Compute(problem);
            double tau2 = sigma * sigma / 10;
            double exact = Math.Sign(ybar) * Math.Max(Math.Abs(ybar) - tau2 / s, 0);
            Assert.IsTrue(laplace.Converged, laplace.Message);
            Assert.AreEqual(exact, laplace.Mode[0], 1e-3 * s, $"ybar {ybar}");
            double r = laplace.Mode[0];
            double expectedPrecision = 1 / tau2 + s / Math.Pow(r * r + s * s, 1.5);
            Assert.AreEqual(expectedPrecision, laplace.Precision[0, 0], 1e-6 * expectedPrecision, $"ybar {ybar}");
        }
        var priorOnly = LaplaceApproximation.Compute(BayesianProblem.Create(new LaplacePrior([1, -2], [0.3, 4])));
        CollectionAssert.AreEqual(new[] { 1.0, -2.0 }, priorOnly.Mode);
        Assert.AreEqual(0.3, priorOnly.StdDev[0], 1e-12);
        Assert.AreEqual(4, priorOnly.StdDev[1], 1e-12);
    }

    [TestMethod]
    public void BimodalRobustRegressionFindsTheHigherMode()
    {
        // Three observations near -5 and four near +5 under a Cauchy likelihood: two modes, the higher one near +5. Newton
        // from the prior's location (-5) climbs the lower one; the second start (the Gaussian surrogate's mode, near the
        // data's mean) reaches the higher one, which must win.
        var x = Column(Enumerable.Repeat(1.0, 7).ToArray());
        double[] y = [-5.1, -5, -4.9, 4.8, 4.9, 5, 5.1];
        var problem = BayesianProblem.Create(new GaussianPrior(-5, 10), [new LinearStudentTBlock(x, y, 0.3, 1)]);
        var laplace = LaplaceApproximation.Compute(problem);
        var density = problem.LogDensity();
        double global = GoldenSection(t => density.Evaluate([t]), 3, 7);
        Assert.IsTrue(density.Evaluate([global]) > density.Evaluate([GoldenSection(t => density.Evaluate([t]), -7, -3)]));
        Assert.AreEqual(global, laplace.Mode[0], 1e-6, laplace.Message);
    }

    [TestMethod]
    public void ExpectedInformationUsesTheStudentTFisherInformation()
    {
        var rng = new Random(35);
        var x = Column(Enumerable.Repeat(1.0, 12).ToArray());
        var problem = BayesianProblem.Create(new GaussianPrior(0, 2), [new LinearStudentTBlock(x, TestProblems.RandomVector(rng, 12), 0.5, 4)]);
        var laplace = LaplaceApproximation.Compute(problem, new LaplaceOptions { Curvature = LaplaceCurvature.ExpectedInformation });
        Assert.AreEqual(LaplaceCurvature.ExpectedInformation, laplace.Curvature);
        Assert.AreEqual(1 / 4.0 + 12 * 5 / (7 * 0.25), laplace.Precision[0, 0], 1e-10);
    }

    [TestMethod]
    public void TheEigenvalueFloorMakesAnIndefiniteCurvatureFactorable()
    {
        // What a curvature that is positive definite only in exact arithmetic gets before it becomes a precision: the
        // eigenvalues below 1e-8 of the largest are raised to that floor, the eigenvectors kept.
        double c = Math.Cos(0.3), s = Math.Sin(0.3);
        // Q diag(4, -1) Qᵀ for the rotation Q by 0.3 rad, lower triangle, row-major.
        double a00 = 4 * c * c - s * s, a10 = 4 * c * s + c * s, a11 = 4 * s * s - c * c;
        var lower = new[] { a00, 0, a10, a11 };
        Assert.IsFalse(Afin.Numerics.DenseCholesky.Factor((double[])lower.Clone(), 2));
        EigenvalueFloor.Apply(lower, 2);
        Assert.IsTrue(Afin.Numerics.DenseCholesky.Factor((double[])lower.Clone(), 2));
        Assert.AreEqual(4 * c * c + 4e-8 * s * s, lower[0], 1e-12);
        Assert.AreEqual(4 * c * s - 4e-8 * c * s, lower[2], 1e-12);
        Assert.AreEqual(4 * s * s + 4e-8 * c * c, lower[3], 1e-12);
    }

    [TestMethod]
    public void SaysWhenItDidNotConverge()
    {
        var rng = new Random(36);
        var problem = BayesianProblem.Create(new GaussianPrior(0, 1), [TestProblems.RandomBlock(rng, "bernoulli_logit", 3, 40)]);
        var laplace = LaplaceApproximation.Compute(problem, new LaplaceOptions { MaxIterations = 1 });
        Assert.IsFalse(laplace.Converged);
        StringAssert.Contains(laplace.Message, "did not converge");
        StringAssert.Contains(laplace.Message, "stopped after 1 iteration (");
    }

    [TestMethod]
    public void InvalidOptionsNameTheOption()
    {
        var problem = BayesianProblem.Create(new GaussianPrior(0, 1), dimension: 1);
        var error = Assert.ThrowsExactly<ArgumentException>(() => LaplaceApproximation.Compute(problem, new LaplaceOptions { Tolerance = 0 }));
        Assert.AreEqual("Tolerance", error.ParamName);
        error = Assert.ThrowsExactly<ArgumentException>(() => LaplaceApproximation.Compute(problem, new LaplaceOptions { MaxIterations = 0 }));
        Assert.AreEqual("MaxIterations", error.ParamName);
    }

    [TestMethod]
    public void CancellationStopsTheSearch()
    {
        var problem = BayesianProblem.Create(new GaussianPrior(0, 1), [TestProblems.RandomBlock(new Random(37), "bernoulli_logit", 2, 10)]);
        Assert.ThrowsExactly<OperationCanceledException>(() => LaplaceApproximation.Compute(problem, null, new CancellationToken(true)));
    }

    private static void AssertStationary(BayesianProblem problem, LaplacePosterior laplace, double tolerance)
    {
        var gradient = new double[problem.Dimension];
        problem.LogDensity().Evaluate(laplace.Mode, gradient);
        for (int i = 0; i < gradient.Length; i++)
        {
            // The gradient measured in posterior standard deviations: how far a Newton step would still move.
            Assert.AreEqual(0, gradient[i] * laplace.StdDev[i], tolerance, $"{problem.Prior.Family}: gradient[{i}]");
        }
    }

    private static double Logistic(double eta) => 1 / (1 + Math.Exp(-eta));

    private static double[,] Column(double[] values)
    {
        var x = new double[values.Length, 1];
        for (int n = 0; n < values.Length; n++)
        {
            x[n, 0] = values[n];
        }
        return x;
    }

    private static double[,] Intercept(double[,] features)
    {
        int rows = features.GetLength(0), cols = features.GetLength(1);
        var x = new double[rows, cols + 1];
        for (int n = 0; n < rows; n++)
        {
            x[n, 0] = 1;
            for (int j = 0; j < cols; j++)
            {
                x[n, j + 1] = features[n, j];
            }
        }
        return x;
    }

    private static LinearGaussianBlock UnequallyScaledLinear(Random rng, int n)
    {
        double[] scales = [0.01, 1, 100];
        var x = new double[n, 4];
        for (int r = 0; r < n; r++)
        {
            x[r, 0] = 1;
            for (int j = 0; j < 3; j++)
            {
                x[r, j + 1] = scales[j] * TestProblems.Normal(rng);
            }
        }
        return new LinearGaussianBlock(x, TestProblems.RandomVector(rng, n, 2), 0.7);
    }

    /// <summary>The maximiser of a unimodal function on [lo, hi] from function values alone.</summary>
    private static double GoldenSection(Func<double, double> f, double lo, double hi)
    {
        double ratio = (Math.Sqrt(5) - 1) / 2;
        double a = lo, b = hi;
        double c = b - ratio * (b - a), d = a + ratio * (b - a);
        double fc = f(c), fd = f(d);
        while (b - a > 1e-10)
        {
            if (fc > fd)
            {
                b = d; d = c; fd = fc; c = b - ratio * (b - a); fc = f(c);
            }
            else
            {
                a = c; c = d; fc = fd; d = a + ratio * (b - a); fd = f(d);
            }
        }
        return 0.5 * (a + b);
    }

    private static double SecondDifference(Func<double, double> f, double t, double h = 1e-4) =>
        (f(t + h) - 2 * f(t) + f(t - h)) / (h * h);

    /// <summary>log Z, mean and variance of exp(logp) by the trapezoid rule over mode +- 12 sd.</summary>
    private static (double LogZ, double Mean, double Variance) Quadrature(PosteriorLogDensity density, double centre, double sd)
    {
        const int points = 20001;
        double lo = centre - 12 * sd, step = 24 * sd / (points - 1);
        var logp = Enumerable.Range(0, points).Select(k => density.Evaluate([lo + k * step])).ToArray();
        double max = logp.Max();
        double z = 0, m1 = 0, m2 = 0;
        for (int k = 0; k < points; k++)
        {
            double w = Math.Exp(logp[k] - max) * (k == 0 || k == points - 1 ? 0.5 : 1) * step;
            double t = lo + k * step;
            z += w;
            m1 += w * t;
            m2 += w * t * t;
        }
        double mean = m1 / z;
        return (max + Math.Log(z), mean, m2 / z - mean * mean);
    }
}
