using Afin.Simulation;
using MathNet.Numerics.Distributions;

namespace Afin.Tests.Simulation;

[TestClass]
public sealed class GridPosteriorTests
{
    /// <summary>N(1, 2^2) on [-9, 11] with 2001 points (spacing 0.01) and an arbitrary log offset.</summary>
    private static GridPosterior Normal12()
    {
        var points = Enumerable.Range(0, 2001).Select(i => -9 + 0.01 * i).ToArray();
        var log = points.Select(x => 37.5 - 0.5 * Math.Pow((x - 1) / 2, 2)).ToArray();
        return new GridPosterior(points, log);
    }

    [TestMethod]
    public void MatchesAnalyticNormal()
    {
        // The grid errors are second order in the spacing (1e-4 relative to the sd of 2); 1e-3 leaves room.
        var posterior = Normal12();
        Assert.AreEqual(1.0, posterior.Mean, 1e-3);
        Assert.AreEqual(4.0, posterior.Variance, 1e-3);
        Assert.AreEqual(1.0, posterior.Median, 1e-3);
        foreach (double q in new[] { 0.01, 0.05, 0.25, 0.75, 0.95, 0.99 })
        {
            Assert.AreEqual(Normal.InvCDF(1, 2, q), posterior.Quantile(q), 1e-3, $"quantile {q}");
        }
        foreach (double x in new[] { -3.0, -0.5, 1.0, 2.2, 4.0 })
        {
            Assert.AreEqual(Normal.CDF(1, 2, x), posterior.Cdf(x), 1e-4, $"cdf at {x}");
            Assert.AreEqual(Normal.PDF(1, 2, x), posterior.Density(x), 1e-4, $"density at {x}");
            Assert.AreEqual(x, posterior.Quantile(posterior.Cdf(x)), 1e-9, $"quantile inverts cdf at {x}");
        }
        Assert.AreEqual(Normal.PDFLn(1, 2, 0.5), posterior.LogDensities[950], 1e-6);
        Assert.AreEqual(0.0, posterior.Cdf(-20));
        Assert.AreEqual(1.0, posterior.Cdf(20));
        Assert.AreEqual(0.0, posterior.Density(11.5));
        Assert.AreEqual(-9.0, posterior.Quantile(0));
        Assert.AreEqual(11.0, posterior.Quantile(1), 1e-12);
    }

    [TestMethod]
    public void SamplesFollowTheDistribution()
    {
        const int n = 20000;
        var posterior = Normal12();
        var draws = posterior.Sample(n, new Random(7));
        CollectionAssert.AreEqual(draws, posterior.Sample(n, new Random(7)));
        // Mean within 4 standard errors; each tail fraction within 4 binomial sd.
        Assert.AreEqual(1.0, draws.Average(), 4 * 2 / Math.Sqrt(n));
        foreach (double q in new[] { 0.05, 0.5, 0.9 })
        {
            double below = draws.Count(d => d <= Normal.InvCDF(1, 2, q)) / (double)n;
            Assert.AreEqual(q, below, 4 * Math.Sqrt(q * (1 - q) / n), $"fraction below the {q} quantile");
        }
    }

    [TestMethod]
    public void HandlesZeroDensityRegionsAndUnevenGrids()
    {
        // Densities 0, 0, 1, 1 at 0, 1, 2, 3.5: trapezoid masses 0, 0.5, 1.5 (total 2), so the cdf is 0, 0, 1/4, 1.
        var posterior = new GridPosterior([0, 1, 2, 3.5], [double.NegativeInfinity, double.NegativeInfinity, 0, 0]);
        Assert.AreEqual(-Math.Log(2), posterior.LogDensities[2], 1e-15);
        Assert.AreEqual(double.NegativeInfinity, posterior.LogDensities[0]);
        Assert.AreEqual(0.0, posterior.Cdf(0.7));
        Assert.AreEqual(0.125, posterior.Cdf(1.5), 1e-15);
        Assert.AreEqual(0.25 + 0.75 / 3, posterior.Cdf(2.5), 1e-15);
        Assert.AreEqual(1.0, posterior.Quantile(0));
        Assert.AreEqual(2.0, posterior.Quantile(0.25), 1e-15);
        Assert.AreEqual(2.75, posterior.Quantile(0.625), 1e-15);
        Assert.AreEqual(3.5, posterior.Quantile(1));
        Assert.AreEqual(0.25, posterior.Density(1.5), 1e-15);
        // Mean of the cells spread uniformly: 0.25 * 1.5 + 0.75 * 2.75.
        Assert.AreEqual(0.25 * 1.5 + 0.75 * 2.75, posterior.Mean, 1e-15);
        var draws = posterior.Sample(1000, new Random(1));
        Assert.IsTrue(draws.All(d => d >= 1 && d <= 3.5));
    }

    [TestMethod]
    public void RejectsBadGridsAndDensities()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new GridPosterior([0.0], [0.0]));
        Assert.Contains("points has 1 values; expected at least 2 grid points", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => new GridPosterior([0.0, 1, 1], [0.0, 0, 0]));
        Assert.Contains("points[2] = 1 does not exceed points[1] = 1; expected a strictly increasing grid", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => new GridPosterior([0.0, 1, 2], [0.0, double.NaN, 0]));
        Assert.AreEqual("logDensities", e.ParamName);
        Assert.Contains("logDensities[1] is NaN; expected a finite value or negative infinity", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => new GridPosterior([0.0, 1], [0.0, double.PositiveInfinity]));
        Assert.Contains("logDensities[1] is Infinity; expected a finite value or negative infinity", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => new GridPosterior([0.0, 1], [double.NegativeInfinity, double.NegativeInfinity]));
        Assert.Contains("every log density is negative infinity", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => new GridPosterior([0.0, 1], [0.0]));
        Assert.Contains("logDensities has 1 values but points has 2", e.Message);
        var posterior = new GridPosterior([0.0, 1], [0.0, 0]);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => posterior.Quantile(1.5));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => posterior.Quantile(double.NaN));
    }
}
