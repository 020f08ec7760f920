using Afin.Simulation;
using Afin.Simulation.GaussianProcess;

namespace Afin.Tests.Simulation;

[TestClass]
public sealed class GaussianProcessFieldSimulatorTests
{
    [TestMethod]
    public void GridIsRowMajorOnTheUnitSquareWithExponentialCovariance()
    {
        var simulator = new GaussianProcessFieldSimulator(4);
        Assert.AreEqual(DataShape.Grid(4, 4), simulator.Shape);
        Assert.AreEqual(1, simulator.ParameterCount);
        var s = simulator.Locations();
        Assert.AreEqual(16, s.GetLength(0));
        // Location k = r n + c sits at (r, c) / 3.
        Assert.AreEqual(0.0, s[0, 0]);
        Assert.AreEqual(1.0 / 3, s[1, 1], 1e-15);
        Assert.AreEqual(0.0, s[1, 0]);
        Assert.AreEqual(1.0 / 3, s[4, 0], 1e-15);
        Assert.AreEqual(1.0, s[15, 0]);
        Assert.AreEqual(1.0, s[15, 1]);

        var c = GaussianProcessFieldSimulator.CovarianceMatrix(0.25, 4);
        Assert.AreEqual(1.0, c[7, 7]);
        Assert.AreEqual(Math.Exp(-(1.0 / 3) / 0.25), c[0, 1], 1e-15);
        Assert.AreEqual(Math.Exp(-Math.Sqrt(2) / 0.25), c[0, 15], 1e-15);
        Assert.AreEqual(c[3, 12], c[12, 3]);
    }

    [TestMethod]
    public void SeedReproducesFieldsAndDrawsFollowFieldOrder()
    {
        var simulator = new GaussianProcessFieldSimulator(5);
        double[][] thetas = [[0.05], [0.3], [0.6], [1.2], [0.01]];
        var a = simulator.Simulate(thetas, new Random(11));
        var b = simulator.Simulate(thetas, new Random(11));
        var c = simulator.Simulate(thetas, new Random(12));
        for (int i = 0; i < thetas.Length; i++)
        {
            Assert.AreEqual(25, a[i].Length);
            CollectionAssert.AreEqual(a[i], b[i]);
            CollectionAssert.AreNotEqual(a[i], c[i]);
        }

        // Two calls on one generator consume the draws in the same order as one call with both halves.
        var random = new Random(11);
        var head = simulator.Simulate(thetas[..2], random);
        var tail = simulator.Simulate(thetas[2..], random);
        var split = head.Concat(tail).ToArray();
        for (int i = 0; i < thetas.Length; i++)
        {
            CollectionAssert.AreEqual(a[i], split[i]);
        }
    }

    [TestMethod]
    public void EmpiricalCovarianceMatchesTheModel()
    {
        // 20,000 fields on a 3 x 3 grid at theta = 0.4: each sample covariance has sd sqrt((1 + rho^2) / n) <= 0.01,
        // so 0.04 is four standard deviations.
        const int n = 20000;
        const double theta = 0.4;
        var simulator = new GaussianProcessFieldSimulator(3);
        var parameters = Enumerable.Repeat(new[] { theta }, n).ToArray();
        var fields = simulator.Simulate(parameters, new Random(2024));
        var expected = simulator.Covariance(theta);
        for (int i = 0; i < 9; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double sum = 0;
                foreach (var field in fields)
                {
                    sum += (double)field[i] * field[j];
                }
                Assert.AreEqual(expected[i, j], sum / n, 0.04, $"covariance ({i}, {j})");
            }
        }
    }

    [TestMethod]
    public void WorksThroughSimulationSet()
    {
        var set = SimulationSet.Simulate(new UniformPrior(0, 0.6), new GaussianProcessFieldSimulator(4), 300, seed: 3);
        var again = SimulationSet.Simulate(new UniformPrior(0, 0.6), new GaussianProcessFieldSimulator(4), 300, seed: 3);
        Assert.AreEqual(300, set.Count);
        CollectionAssert.AreEqual(set.Data, again.Data);
        CollectionAssert.AreEqual(set.Parameters, again.Parameters);
    }

    [TestMethod]
    public void RejectsBadParametersAndGridSizes()
    {
        var simulator = new GaussianProcessFieldSimulator(3);
        var e = Assert.ThrowsExactly<ArgumentException>(() => simulator.Simulate([[0.2], [-0.1]], new Random(1)));
        Assert.AreEqual("parameters", e.ParamName);
        Assert.Contains("parameters[1] is [-0.1]; expected one positive, finite length scale theta", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => simulator.Simulate([[0.2, 0.3]], new Random(1)));
        Assert.Contains("parameters[0] is [0.2, 0.3]", e.Message);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new GaussianProcessFieldSimulator(1));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => GaussianProcessFieldSimulator.CovarianceMatrix(0, 4));
    }
}
