using Afin.Metrics;
using MathNet.Numerics.Distributions;

namespace Afin.Tests.Metrics;

[TestClass]
public sealed class IntervalCoverageTests
{
    [TestMethod]
    public void SamplesUseType7QuantilesWithInclusiveEnds()
    {
        // Column 0 = 0..10, column 1 = 0, 10, ..., 100 (n = 11). Level 0.8: p = 0.1 -> h = 1, p = 0.9 -> h = 9,
        // so the intervals are [1, 9] and [10, 90].
        var samples = new double[11, 2];
        for (int i = 0; i < 11; i++)
        {
            samples[i, 0] = 10 - i;
            samples[i, 1] = 10 * i;
        }
        Assert.AreEqual(1.0, IntervalCoverage.FromSamples([1.0, 50.0], samples, 0.8));
        Assert.AreEqual(0.5, IntervalCoverage.FromSamples([0.5, 90.0], samples, 0.8));
        Assert.AreEqual(0.0, IntervalCoverage.FromSamples([9.5, 9.0], samples, 0.8));
    }

    [TestMethod]
    public void SamplesInterpolateBetweenOrderStatistics()
    {
        // {1, 2, 3, 4} at level 0.5: p = 0.25 -> h = 0.75 -> 1.75; p = 0.75 -> h = 2.25 -> 3.25.
        var one = new double[,] { { 3 }, { 1 }, { 4 }, { 2 } };
        var truths = new double[,] { { 1.7 }, { 1.75 }, { 3.25 }, { 3.3 } };
        Assert.AreEqual(0.5, IntervalCoverage.FromSamples(truths, [one, one, one, one], 0.5));
    }

    [TestMethod]
    public void Type7QuantileMatchesNumPyDefault()
    {
        // numpy.quantile([3, 1, 4, 1, 5, 9, 2, 6], [0, 0.3, 0.5, 1]) = [1, 2.1, 3.5, 9].
        double[] sorted = [1, 1, 2, 3, 4, 5, 6, 9];
        Assert.AreEqual(1.0, EmpiricalQuantile.Type7Sorted(sorted, 0));
        Assert.AreEqual(2.1, EmpiricalQuantile.Type7Sorted(sorted, 0.3), 1e-15);
        Assert.AreEqual(3.5, EmpiricalQuantile.Type7Sorted(sorted, 0.5));
        Assert.AreEqual(9.0, EmpiricalQuantile.Type7Sorted(sorted, 1));
        Assert.AreEqual(7.0, EmpiricalQuantile.Type7Sorted([7.0], 0.9));
    }

    [TestMethod]
    public void GaussianUsesNormalQuantile()
    {
        // z_0.95 = 1.6448536...: 0, 1.64 and -1.64 are inside, 1.65 is outside.
        Assert.AreEqual(0.75, IntervalCoverage.FromGaussian([0, 1.64, 1.65, -1.64], [0, 0, 0, 0], [1, 1, 1, 1], 0.9));
        // Scaled: |7 - 5| = 2 <= 1.6449 * 2 inside; |7 - 10| = 3 > 1.6449 * 1 outside.
        Assert.AreEqual(0.5, IntervalCoverage.FromGaussian([7.0, 7.0], [5.0, 10.0], [2.0, 1.0], 0.9));
    }

    [TestMethod]
    public void CalibratedGaussianGivesNominalCoverage()
    {
        // Truths drawn from each coordinate's own posterior N(mean, sd^2): every one of the k d = 20000 indicators is an
        // independent Bernoulli(0.9), so coverage has binomial sd sqrt(0.9 * 0.1 / 20000) = 0.0021; allow 4 sd.
        const int k = 2000, d = 10;
        var random = new Random(2024);
        var normal = new Normal(0, 1, random);
        var truths = new double[k, d];
        var means = new double[k, d];
        var sds = new double[k, d];
        for (int p = 0; p < k; p++)
        {
            for (int j = 0; j < d; j++)
            {
                means[p, j] = 10 * random.NextDouble() - 5;
                sds[p, j] = 0.1 + 3 * random.NextDouble();
                truths[p, j] = means[p, j] + sds[p, j] * normal.Sample();
            }
        }
        double binomialSd = Math.Sqrt(0.9 * 0.1 / (k * d));
        Assert.AreEqual(0.9, IntervalCoverage.FromGaussian(truths, means, sds, 0.9), 4 * binomialSd);

        // An over-confident posterior (sd halved) under-covers: P(|Z| <= 1.6449 / 2) = 0.589.
        var halved = (double[,])sds.Clone();
        for (int p = 0; p < k; p++)
        {
            for (int j = 0; j < d; j++)
            {
                halved[p, j] /= 2;
            }
        }
        double expectedHalved = 2 * Normal.CDF(0, 1, Normal.InvCDF(0, 1, 0.95) / 2) - 1;
        Assert.AreEqual(expectedHalved, IntervalCoverage.FromGaussian(truths, means, halved, 0.9), 4 * Math.Sqrt(expectedHalved * (1 - expectedHalved) / (k * d)));
    }

    [TestMethod]
    public void RejectsBadLevelAndMismatchedInputs()
    {
        var samples = new double[5, 2];
        var e = Assert.ThrowsExactly<ArgumentException>(() => IntervalCoverage.FromSamples([0.0, 0.0], samples, 1.0));
        Assert.Contains("level is 1; expected a level strictly between 0 and 1", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => IntervalCoverage.FromSamples(new double[2, 2], [samples, new double[5, 3]], 0.9));
        Assert.AreEqual("samples[1]", e.ParamName);
        Assert.Contains("samples[1] has 3 columns but the true parameter vector has 2 coordinates", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => IntervalCoverage.FromSamples(new double[2, 2], [samples], 0.9));
        Assert.Contains("samples has 1 sample sets but truths has 2 rows", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => IntervalCoverage.FromGaussian([0.0, 0.0], [0.0, 0.0], [1.0, -1.0], 0.9));
        Assert.Contains("sd[1] is -1; expected a standard deviation > 0", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => IntervalCoverage.FromGaussian(new double[2, 2], new double[2, 2], new double[2, 2], 0.9));
        Assert.Contains("sds[0, 0] is 0; expected a standard deviation > 0", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => IntervalCoverage.FromGaussian(new double[2, 2], new double[2, 3], new double[2, 2], 0.9));
        Assert.Contains("means is 2 x 3 but truths is 2 x 2", e.Message);
    }
}
