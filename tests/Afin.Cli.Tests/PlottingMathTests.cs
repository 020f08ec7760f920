using Afin.Cli.Plotting;

namespace Afin.Cli.Tests;

[TestClass]
public sealed class PlottingMathTests
{
    private static double[] StandardNormal(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())).ToArray();
    }

    [TestMethod]
    public void KernelDensityCurveIntegratesToOneAndPeaksNearTheNormalDensity()
    {
        var range = new AxisRange(-5, 5);
        var density = KernelDensity.Curve(StandardNormal(20_000, 1), range, 201, 20_000);
        Assert.AreEqual(1, density.Sum() * range.Step(201), 0.01);
        Assert.AreEqual(1 / Math.Sqrt(2 * Math.PI), density[100], 0.03);
    }

    [TestMethod]
    public void KernelContoursHoldTheirMassLikeTheGaussianEllipses()
    {
        double[] x = StandardNormal(20_000, 2), y = StandardNormal(20_000, 3);
        var range = new AxisRange(-5, 5);
        var surface = KernelDensity.Surface(x, y, range, range, 101, x.Length);
        var levels = KernelDensity.MassLevels(x, y, surface, range, range, CornerPanels.ContourMasses);
        // For a standard 2-D normal the density on the radius-r circle is exp(-r² / 2) / 2π: r = 1 and 2 here.
        Assert.AreEqual(Math.Exp(-0.5) / (2 * Math.PI), levels[0], 0.012);
        Assert.AreEqual(Math.Exp(-2) / (2 * Math.PI), levels[1], 0.006);
    }

    [TestMethod]
    public void EllipsePointsLieAtTheRequestedMahalanobisRadius()
    {
        double varX = 2, cov = 0.8, varY = 1;
        var (xs, ys) = GaussianShapes.Ellipse(1, -1, varX, cov, varY, 2);
        double det = varX * varY - cov * cov;
        for (int p = 0; p < xs.Length; p++)
        {
            double dx = xs[p] - 1, dy = ys[p] + 1;
            double mahalanobis = (varY * dx * dx - 2 * cov * dx * dy + varX * dy * dy) / det;
            Assert.AreEqual(4, mahalanobis, 1e-9);
        }
        Assert.AreEqual(2, GaussianShapes.RadiusForMass(CornerPanels.ContourMasses[1]), 1e-12);
    }
}
