using Afin.Metrics;

namespace Afin.Tests.Metrics;

[TestClass]
public sealed class SampleMomentsTests
{
    private static readonly double[,] Samples = { { 1, 2 }, { 3, 6 }, { 5, 4 } };

    [TestMethod]
    public void MeanCovarianceAndSdMatchHandComputedValues()
    {
        // Centred rows (-2, -2), (0, 2), (2, 0); divisor n - 1 = 2.
        CollectionAssert.AreEqual(new double[] { 3, 4 }, SampleMoments.Mean(Samples));
        var cov = SampleMoments.Covariance(Samples);
        Assert.AreEqual(4.0, cov[0, 0]);
        Assert.AreEqual(2.0, cov[0, 1]);
        Assert.AreEqual(2.0, cov[1, 0]);
        Assert.AreEqual(4.0, cov[1, 1]);
        CollectionAssert.AreEqual(new double[] { 2, 2 }, SampleMoments.StandardDeviation(Samples));
    }

    [TestMethod]
    public void CovarianceNeedsTwoDraws()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => SampleMoments.Covariance(new double[1, 3]));
        Assert.Contains("samples has 1 row; expected at least 2 draws", e.Message);
        CollectionAssert.AreEqual(new double[] { 0, 0, 0 }, SampleMoments.Mean(new double[1, 3]));
    }

    [TestMethod]
    public void RejectsNonFiniteSample()
    {
        var bad = (double[,])Samples.Clone();
        bad[2, 1] = double.NaN;
        var e = Assert.ThrowsExactly<ArgumentException>(() => SampleMoments.Mean(bad));
        Assert.Contains("samples[2, 1] is NaN", e.Message);
    }
}
