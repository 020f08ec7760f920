using Afin.Simulation;

namespace Afin.Tests.Simulation;

[TestClass]
public sealed class PosteriorGridTests
{
    private static double[] Axis(double low, double high, int count) => Enumerable.Range(0, count).Select(k => low + (high - low) * k / (count - 1)).ToArray();

    [TestMethod]
    public void TwoDimensionalGridHasNormalMarginalsAndConsistentDraws()
    {
        // Independent N(1, 0.5^2) and N(-2, 1): log-densities unnormalised on purpose.
        double[] x = Axis(-2, 4, 121), y = Axis(-8, 4, 161);
        var log = x.SelectMany(a => y.Select(b => -0.5 * Math.Pow((a - 1) / 0.5, 2) - 0.5 * Math.Pow(b + 2, 2) + 7.0)).ToArray();
        var grid = new PosteriorGrid([x, y], log);
        Assert.AreEqual(1.0, grid.Marginal(0).Mean, 1e-3);
        Assert.AreEqual(-2.0, grid.Marginal(1).Median, 1e-2);
        Assert.AreEqual(1 + 1.6448536 * 0.5, grid.Marginal(0).Quantile(0.95), 1e-2);
        var draws = grid.Sample(20_000, new Random(3));
        Assert.AreEqual(1.0, draws.Average(d => d[0]), 0.02);
        Assert.AreEqual(-2.0, draws.Average(d => d[1]), 0.03);
        double sdY = Math.Sqrt(draws.Average(d => Math.Pow(d[1] + 2, 2)));
        Assert.AreEqual(1.0, sdY, 0.03);
        double mass = grid.LogDensity.Select((l, k) => Math.Exp(l)).Sum() * (x[1] - x[0]) * (y[1] - y[0]);
        Assert.AreEqual(1.0, mass, 0.01, "normalised");
    }

    [TestMethod]
    public void OneDimensionalDrawsStayInsideTheAxisWithoutAtomsAtTheEnds()
    {
        // A density that is largest at the left end: draws must not pile up exactly on the bound.
        double[] x = Axis(0, 0.6, 301);
        var grid = new PosteriorGrid([x], x.Select(v => -v / 0.05).ToArray());
        var draws = grid.Sample(5000, new Random(1)).Select(d => d[0]).ToArray();
        Assert.IsTrue(draws.All(v => v >= 0 && v <= 0.6));
        Assert.IsLessThan(5, draws.Count(v => v == 0.0), "no atom at the bound");
        Assert.AreEqual(0.05, draws.Average(), 0.003, "exponential with mean 0.05");
    }

    [TestMethod]
    public void RejectsInconsistentInput()
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => new PosteriorGrid([[0.0, 1.0]], [0.0, 1.0, 2.0]));
        StringAssert.Contains(error.Message, "expected 2");
        error = Assert.ThrowsExactly<ArgumentException>(() => new PosteriorGrid([[0.0]], [0.0]));
        StringAssert.Contains(error.Message, "axes[0]");
    }
}
