using Afin.Correction;

namespace Afin.Tests.Correction;

[TestClass]
public sealed class ParetoSmoothingTests
{
    /// <summary>log of S draws from a generalized Pareto distribution with shape k and scale 1, by inversion.</summary>
    private static double[] GeneralizedParetoLogDraws(double shape, int count, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count)
            .Select(_ => Math.Log((Math.Pow(1 - rng.NextDouble(), -shape) - 1) / shape))
            .ToArray();
    }

    [TestMethod]
    [DataRow(0.3)]
    [DataRow(0.9)]
    [DataRow(-0.2)]
    public void RecoversTheShapeOfAGeneralizedParetoTail(double shape)
    {
        // Exceedances of a GPD over any threshold are GPD with the same shape, so k̂ should find it. With
        // S = 4000 the tail has 190 draws and one k̂ scatters by about 0.1, hence the looser bound per run.
        var estimates = Enumerable.Range(1, 10).Select(seed => ParetoSmoothing.Smooth(GeneralizedParetoLogDraws(shape, 4000, seed)).ParetoK).ToArray();
        foreach (double k in estimates)
        {
            Assert.IsLessThan(0.25, Math.Abs(k - shape), $"k̂ = {k} for k = {shape}");
        }
        Assert.IsLessThan(0.1, Math.Abs(estimates.Average() - shape), $"mean k̂ = {estimates.Average()} for k = {shape}");
    }

    [TestMethod]
    public void SmoothsOnlyTheTailKeepsItsOrderAndCapsItAtTheLargestRawRatio()
    {
        var logRatios = GeneralizedParetoLogDraws(0.9, 4000, 7);
        var result = ParetoSmoothing.Smooth(logRatios);
        Assert.AreEqual(190, result.TailLength);
        var order = Enumerable.Range(0, logRatios.Length).OrderBy(i => logRatios[i]).ToArray();
        double max = logRatios.Max();
        for (int rank = 0; rank < order.Length; rank++)
        {
            int i = order[rank];
            if (rank < order.Length - result.TailLength)
            {
                Assert.AreEqual(logRatios[i], result.LogWeights[i], $"body draw {i} changed");
                continue;
            }
            Assert.IsLessThanOrEqualTo(max, result.LogWeights[i]);
            Assert.IsGreaterThanOrEqualTo(result.LogWeights[order[rank - 1]], result.LogWeights[i], "tail order");
        }
        Assert.IsLessThan(max, result.LogWeights.Max(), "a heavy tail's largest weight should shrink");
    }

    [TestMethod]
    public void IsInvariantToAConstantShiftOfHugeMagnitude()
    {
        var logRatios = GeneralizedParetoLogDraws(0.6, 1000, 3);
        var plain = ParetoSmoothing.Smooth(logRatios);
        var shifted = ParetoSmoothing.Smooth(logRatios.Select(r => r - 1e4).ToArray());
        Assert.AreEqual(plain.ParetoK, shifted.ParetoK, 1e-6);
        for (int i = 0; i < logRatios.Length; i++)
        {
            Assert.AreEqual(plain.LogWeights[i] - 1e4, shifted.LogWeights[i], 1e-6);
        }
    }

    [TestMethod]
    public void ZeroWeightDrawsStayZeroAndTakeNoPartInTheFit()
    {
        var finite = GeneralizedParetoLogDraws(0.5, 1000, 5);
        var withZeros = finite.Concat(Enumerable.Repeat(double.NegativeInfinity, 300)).ToArray();
        var expected = ParetoSmoothing.Smooth(finite);
        var result = ParetoSmoothing.Smooth(withZeros);
        Assert.AreEqual(expected.ParetoK, result.ParetoK);
        Assert.AreEqual(expected.TailLength, result.TailLength);
        Assert.IsTrue(result.LogWeights.Skip(1000).All(double.IsNegativeInfinity));
    }

    [TestMethod]
    public void TooFewDrawsLeaveTheRatiosUnsmoothedWithInfiniteK()
    {
        var logRatios = GeneralizedParetoLogDraws(0.5, 20, 1);
        var result = ParetoSmoothing.Smooth(logRatios);
        Assert.AreEqual(double.PositiveInfinity, result.ParetoK);
        Assert.AreEqual(0, result.TailLength);
        CollectionAssert.AreEqual(logRatios, result.LogWeights);
    }

    [TestMethod]
    public void EqualRatiosHaveNoTailAndNegativeInfiniteK()
    {
        // Constant ratios up to rounding noise: a proposal equal to the target.
        var rng = new Random(2);
        var logRatios = Enumerable.Range(0, 500).Select(_ => -1e4 + 1e-12 * rng.NextDouble()).ToArray();
        var result = ParetoSmoothing.Smooth(logRatios);
        Assert.AreEqual(double.NegativeInfinity, result.ParetoK);
        CollectionAssert.AreEqual(logRatios, result.LogWeights);
    }

    [TestMethod]
    public void RejectsNaNAndPositiveInfinity()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => ParetoSmoothing.Smooth([0.0, double.NaN, 1.0]));
        Assert.AreEqual("logRatios", e.ParamName);
        StringAssert.Contains(e.Message, "logRatios[1]");
        Assert.ThrowsExactly<ArgumentException>(() => ParetoSmoothing.Smooth([0.0, double.PositiveInfinity]));
    }

    [TestMethod]
    public void TailLengthAndThresholdsFollowThePaper()
    {
        Assert.AreEqual(190, ParetoSmoothing.TailLength(4000));
        Assert.AreEqual(20, ParetoSmoothing.TailLength(100));
        Assert.AreEqual(5, ParetoSmoothing.TailLength(25));
        Assert.AreEqual(0.0, ParetoSmoothing.SampleSizeThreshold(10), 1e-12);
        Assert.AreEqual(0.5, ParetoSmoothing.SampleSizeThreshold(100), 1e-12);
        Assert.AreEqual(0.7, ParetoSmoothing.SampleSizeThreshold(10000), 1e-12);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ParetoSmoothing.SampleSizeThreshold(0));
    }
}
