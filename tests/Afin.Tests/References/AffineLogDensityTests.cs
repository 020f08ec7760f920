using Afin.Modelling;
using Afin.References;

namespace Afin.Tests.References;

/// <summary>NUTS in coordinates whitened by a covariance: the density's gradient, and draws mapped back to z.</summary>
[TestClass]
public sealed class AffineLogDensityTests
{
    [TestMethod]
    public void GradientMatchesFiniteDifferences()
    {
        var problem = Afin.Tests.Inference.InferenceTestKit.SmallLogistic(3);
        var factor = new double[,] { { 0.5, 0 }, { -0.3, 0.8 } };
        var density = new AffineLogDensity(problem.LogDensity(), [0.2, -0.1], factor);
        double[] u = [0.7, -1.2], gradient = new double[2], scratch = new double[2];
        density.Evaluate(u, gradient);
        for (int j = 0; j < 2; j++)
        {
            const double h = 1e-6;
            var plus = (double[])u.Clone();
            var minus = (double[])u.Clone();
            plus[j] += h;
            minus[j] -= h;
            double numeric = (density.Evaluate(plus, scratch) - density.Evaluate(minus, scratch)) / (2 * h);
            Assert.AreEqual(numeric, gradient[j], 1e-6 * Math.Max(1, Math.Abs(numeric)), $"coordinate {j}");
        }
    }

    [TestMethod]
    public void WhitenedRunOfACorrelatedPosteriorIsMappedBackAndNeedsFewerSteps()
    {
        // A conjugate regression whose two columns are nearly collinear: a posterior correlation near -1.
        var random = new Random(4);
        var x = new double[40, 2];
        var y = new double[40];
        for (int n = 0; n < 40; n++)
        {
            double a = random.NextDouble() * 2 - 1;
            x[n, 0] = a;
            x[n, 1] = a + 0.05 * (random.NextDouble() - 0.5);
            y[n] = 0.5 * a + 0.1 * (random.NextDouble() - 0.5);
        }
        var problem = BayesianProblem.Create(new GaussianPrior(0, 3), [new LinearGaussianBlock(x, y, 0.2)]);
        var exact = ExactPosterior.Compute(problem);
        var factor = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(exact.Covariance).Cholesky().Factor.ToArray();
        var options = new NutsOptions { Chains = 2, Warmup = 400, Draws = 600, Seed = 3 };

        var whitened = new AffineLogDensity(problem.LogDensity(), exact.Mean, factor);
        var run = NutsSampler.Sample(whitened, options with { InitialPoint = [0, 0] }).MapDraws(whitened);
        var plain = NutsSampler.Sample(problem.LogDensity(), options with { InitialPoint = exact.Mean });

        for (int j = 0; j < 2; j++)
        {
            Assert.AreEqual(exact.Mean[j], run.Mean[j], 4 * exact.StdDev[j] / Math.Sqrt(run.BulkEss[j]), $"mean {j}");
            Assert.AreEqual(exact.StdDev[j] * exact.StdDev[j], run.Variance[j], 0.25 * exact.StdDev[j] * exact.StdDev[j], $"variance {j}");
        }
        Assert.IsLessThan(1.02, run.RHat.Max());
        Assert.IsLessThan(plain.GradientEvaluations / 2, run.GradientEvaluations, "the correlated target costs the plain run far more steps");
    }
}
