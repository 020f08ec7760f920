using Afin.Simulation.Metrics;

namespace Afin.Tests.Simulation;

[TestClass]
public sealed class ReviewMetricsTests
{
    private static double BruteForceCrps(double truth, double[] samples)
    {
        double absolute = samples.Average(s => Math.Abs(truth - s));
        double pairs = 0;
        foreach (double a in samples)
        {
            foreach (double b in samples)
            {
                pairs += Math.Abs(a - b);
            }
        }
        return absolute - 0.5 * pairs / ((double)samples.Length * samples.Length);
    }

    [TestMethod]
    public void HandComputedTable()
    {
        double[] truth = [0.1, 0.2, 0.3, 0.4];
        double[] estimate = [0.12, 0.2, 0.25, 0.43];
        double[] lower = [0.05, 0.21, 0.2, 0.35];
        double[] upper = [0.15, 0.3, 0.35, 0.39];
        var scores = ReviewMetrics.Compute(truth, estimate, lower, upper);
        // Squared errors 4e-4, 0, 2.5e-3, 9e-4: median (4e-4 + 9e-4) / 2.
        Assert.AreEqual(Math.Sqrt(6.5e-4), scores.Rmspe, 1e-12);
        // Absolute errors 0.02, 0, 0.05, 0.03: median 0.025.
        Assert.AreEqual(0.025, scores.Mape, 1e-12);
        // Interval scores 0.1, 0.09 + 20 x 0.01, 0.15, 0.04 + 20 x 0.01: median (0.15 + 0.24) / 2.
        Assert.AreEqual(0.195, scores.Is90, 1e-12);
        Assert.AreEqual(0.5, scores.Cov90);
        Assert.AreEqual(4, scores.Fields);
        Assert.IsTrue(double.IsNaN(scores.Crps));
        Assert.IsTrue(double.IsNaN(scores.CrpsReferenceCode));

        // An interval end point is not inside (strict inequalities, as the review's script).
        Assert.AreEqual(0.0, ReviewMetrics.Compute([0.2], [0.2], [0.2], [0.3]).Cov90);
        Assert.AreEqual(0.29, ReviewMetrics.IntervalScore(0.2, 0.21, 0.3), 1e-12);
    }

    [TestMethod]
    public void CrpsFromSamples()
    {
        // {0, 1} at truth 0: mean|theta - s| = 0.5, mean|s - s'| over 4 pairs = 0.5, CRPS = 0.5 - 0.25.
        Assert.AreEqual(0.25, ReviewMetrics.Crps(0, [0.0, 1.0]), 1e-15);
        Assert.AreEqual(0.25, ReviewMetrics.CrpsReferenceCode(0, [0.0, 1.0]), 1e-15);
        // One sample: the absolute error.
        Assert.AreEqual(0.3, ReviewMetrics.Crps(0.5, [0.8]), 1e-15);

        var random = new Random(3);
        foreach (int size in new[] { 1, 2, 3, 10, 101, 500 })
        {
            // Rounded to two decimals so ties occur.
            var samples = Enumerable.Range(0, size).Select(_ => Math.Round(random.NextDouble(), 2)).ToArray();
            double truth = random.NextDouble();
            Assert.AreEqual(BruteForceCrps(truth, samples), ReviewMetrics.Crps(truth, samples), 1e-12, $"{size} samples");
            Assert.AreEqual(0.5 * samples.Average(s => Math.Abs(truth - s)), ReviewMetrics.CrpsReferenceCode(truth, samples), 1e-12);
        }

        double[][] sets = [[0.0, 1.0], [0.5], [0.2, 0.4, 0.9]];
        double[] truths = [0.0, 0.1, 0.4];
        var scores = ReviewMetrics.Compute(truths, truths, truths, truths, sets);
        var each = sets.Select((s, i) => BruteForceCrps(truths[i], s)).Order().ToArray();
        Assert.AreEqual(each[1], scores.Crps, 1e-12);
    }

    [TestMethod]
    public void FromSamplesUsesMedianAndType7Quantiles()
    {
        // Samples 0, 0.1, ..., 1.0 (n = 11): median 0.5, type-7 5% at h = 0.5 -> 0.05, 95% at h = 9.5 -> 0.95.
        var ramp = Enumerable.Range(0, 11).Select(k => (10 - k) / 10.0).ToArray();
        double[][] samples = [ramp, ramp.Select(v => v + 1).ToArray()];
        double[] truth = [0.6, 2.0];
        var scores = ReviewMetrics.FromSamples(truth, samples);
        var expected = ReviewMetrics.Compute(truth, [0.5, 1.5], [0.05, 1.05], [0.95, 1.95], samples);
        Assert.AreEqual(expected.Rmspe, scores.Rmspe, 1e-12);
        Assert.AreEqual(expected.Mape, scores.Mape, 1e-12);
        Assert.AreEqual(expected.Is90, scores.Is90, 1e-12);
        Assert.AreEqual(0.5, scores.Cov90);
        Assert.AreEqual(expected.Crps, scores.Crps, 1e-12);
        var e = Assert.ThrowsExactly<ArgumentException>(() => ReviewMetrics.FromSamples([0.1], [[0.1, double.PositiveInfinity]]));
        Assert.Contains("samples[0][1] is Infinity; expected a finite value", e.Message);
    }

    [TestMethod]
    public void RejectsMismatchedInputs()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => ReviewMetrics.Compute([0.1, 0.2], [0.1], [0.0, 0.0], [1.0, 1.0]));
        Assert.AreEqual("estimate", e.ParamName);
        Assert.Contains("estimate has 1 values but truth has 2; expected one value per test field", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => ReviewMetrics.Compute([0.1], [double.NaN], [0.0], [1.0]));
        Assert.Contains("estimate[0] is NaN; expected a finite value", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => ReviewMetrics.Compute([0.1, 0.2], [0.1, 0.2], [0.0, 0.0], [1.0, 1.0], [[0.1], []]));
        Assert.Contains("samples[1] is empty; expected at least one posterior sample", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => ReviewMetrics.Compute([0.1], [0.1], [0.0], [1.0], [[0.1], [0.2]]));
        Assert.Contains("samples has 2 sample sets but truth has 1 values", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => ReviewMetrics.Compute([], [], [], []));
        Assert.Contains("truth is empty", e.Message);
    }
}
