using Afin.Numerics;

namespace Afin.Tests.Numerics;

[TestClass]
public sealed class VectorSoftplusTests
{
    /// <summary>softplus with log1p's full relative accuracy, the yardstick.</summary>
    private static double Reference(double x) => Math.Max(x, 0) + SpecialMath.Log1P(Math.Exp(-Math.Abs(x)));

    [TestMethod]
    public void MatchesTheAccurateFormulaToAFewUlpsAcrossTheWholeRange()
    {
        var rng = new Random(7);
        // Every magnitude from 1e-12 to 800, both signs, plus the reduction's edges and exact zeros.
        var x = Enumerable.Range(0, 20000).Select(_ => (rng.NextDouble() < 0.5 ? -1 : 1) * Math.Pow(10, -12 + 14.9 * rng.NextDouble()))
            .Concat([0.0, -0.0, 708, -708, 708.4, -708.4, 745.2, -745.2, 0.5 * Math.Log(2), -0.5 * Math.Log(2), 1e300, -1e300])
            .ToArray();
        var result = new double[x.Length];
        VectorSoftplus.Compute(x, result);
        for (int i = 0; i < x.Length; i++)
        {
            double expected = Reference(x[i]);
            Assert.AreEqual(expected, result[i], 2e-15 * expected + 1e-300, $"softplus({x[i]:R})");
        }
    }

    [TestMethod]
    public void NonFiniteInputsKeepTheScalarFormulasMeaning()
    {
        double[] x = [1, double.NaN, 2, 3, double.PositiveInfinity, -1, double.NegativeInfinity, 0.5, 4];
        var result = new double[x.Length];
        VectorSoftplus.Compute(x, result);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.AreEqual(VectorSoftplus.Scalar(x[i]), result[i], 1e-15, $"softplus({x[i]})");
        }
        Assert.IsTrue(double.IsNaN(result[1]));
        Assert.AreEqual(double.PositiveInfinity, result[4]);
        Assert.AreEqual(0.0, result[6]);
    }
}
