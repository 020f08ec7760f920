using Afin.Modelling;
using Afin.References;

namespace Afin.Tests.References;

/// <summary>NUTS on specified problems against the exact posterior: the reference every benchmark trusts.</summary>
[TestClass]
public sealed class NutsOnProblemsTests
{
    [TestMethod]
    [DataRow(1)]
    [DataRow(5)]
    [DataRow(16)]
    public void ConjugateRegressionMatchesTheExactPosterior(int d)
    {
        var rng = new Random(40 + d);
        var problem = BayesianProblem.Create(
            new FullRankGaussianPrior(TestProblems.RandomVector(rng, d, 0.5), TestProblems.RandomSpd(rng, d)),
            [new LinearGaussianBlock(TestProblems.RandomMatrix(rng, 2 * d, d, 0.7), TestProblems.RandomVector(rng, 2 * d), 0.8),
             new DirectGaussianBlock(TestProblems.RandomMatrix(rng, 1, d), 1.5)]);
        var exact = ExactPosterior.Compute(problem);
        var nuts = NutsSampler.Sample(problem.LogDensity(), new NutsOptions { Seed = d, Draws = 2000 });
        for (int i = 0; i < d; i++)
        {
            double mcse = Math.Sqrt(nuts.Variance[i] / nuts.MeanEss[i]);
            Assert.AreEqual(exact.Mean[i], nuts.Mean[i], 4 * mcse, $"mean of coordinate {i}");
            Assert.AreEqual(exact.Covariance[i, i], nuts.Variance[i], 0.1 * exact.Covariance[i, i], $"variance of coordinate {i}");
        }
        Assert.IsTrue(nuts.RHat.All(r => r < 1.01), $"max r_hat {nuts.RHat.Max()}");
        Assert.AreEqual(0, nuts.Divergences);
    }

    [TestMethod]
    public void PoissonMeansThatOverflowAreDivergencesNotFailures()
    {
        // Rows of size 200..600: uniform starts on (-2, 2) put the predictor up to 1200, where exp overflows and the log
        // density is -inf, and the first trajectories fly out of range. NUTS must retry the start, count the diverged
        // trajectories and still find the posterior, which sits tightly at z ≈ 0.005.
        var rng = new Random(78);
        var x = new double[20, 1];
        var y = new double[20];
        for (int n = 0; n < 20; n++)
        {
            x[n, 0] = 200 + 400 * rng.NextDouble();
            y[n] = MathNet.Numerics.Distributions.Poisson.Sample(rng, Math.Exp(0.005 * x[n, 0]));
        }
        var problem = BayesianProblem.Create(new GaussianPrior(0, 1), [new PoissonLogBlock(x, y)]);
        var density = problem.LogDensity();
        Assert.AreEqual(double.NegativeInfinity, density.Evaluate([2.0]));
        var nuts = NutsSampler.Sample(density, new NutsOptions { Seed = 5 });
        var laplace = Afin.Laplace.LaplaceApproximation.Compute(problem);
        double sd = Math.Sqrt(laplace.Covariance[0, 0]);
        Assert.IsTrue(nuts.RHat[0] < 1.01, $"r_hat {nuts.RHat[0]}");
        Assert.AreEqual(laplace.Mode[0], nuts.Mean[0], 0.1 * sd);
        Assert.AreEqual(sd, Math.Sqrt(nuts.Variance[0]), 0.1 * sd);
    }

    [TestMethod]
    public void MixedFamilyProblemConvergesWithoutDivergences()
    {
        var rng = new Random(77);
        var blocks = TestProblems.BlockFamilies.Select(f => TestProblems.RandomBlock(rng, f, 3, 6)).ToArray();
        var problem = BayesianProblem.Create(new StudentTPrior(0, 1, 5), blocks);
        var nuts = NutsSampler.Sample(problem.LogDensity(), new NutsOptions { Seed = 3 });
        Assert.IsTrue(nuts.RHat.All(r => r < 1.01), $"max r_hat {nuts.RHat.Max()}");
        Assert.IsTrue(nuts.BulkEss.All(e => e > 1000), $"min ess {nuts.BulkEss.Min()}");
    }
}
