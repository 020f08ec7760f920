using Afin.Metrics;

namespace Afin.Tests.Metrics;

[TestClass]
public sealed class StandardisedMeanErrorTests
{
    private static readonly double[] Approx = [1, 2, 3];
    private static readonly double[] Reference = [0, 4, 3];
    private static readonly double[] ReferenceSd = [0.5, 4, 2];

    [TestMethod]
    public void PerCoordinateDividesAbsoluteErrorBySd()
    {
        // |1-0|/0.5 = 2, |2-4|/4 = 0.5, |3-3|/2 = 0.
        CollectionAssert.AreEqual(new double[] { 2, 0.5, 0 }, StandardisedMeanError.PerCoordinate(Approx, Reference, ReferenceSd));
    }

    [TestMethod]
    public void MeanAndMaxSummariseOverCoordinates()
    {
        Assert.AreEqual(2.5 / 3, StandardisedMeanError.Mean(Approx, Reference, ReferenceSd), 1e-15);
        Assert.AreEqual(2.0, StandardisedMeanError.Max(Approx, Reference, ReferenceSd));
    }

    [TestMethod]
    public void RejectsNonPositiveSdNamingTheIndex()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => StandardisedMeanError.Mean(Approx, Reference, [1, 1, 0]));
        Assert.AreEqual("referenceSd", e.ParamName);
        Assert.Contains("referenceSd[2] is 0; expected a standard deviation > 0", e.Message);
    }

    [TestMethod]
    public void RejectsSdLengthMismatch()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => StandardisedMeanError.Max(Approx, Reference, [1, 1]));
        Assert.Contains("referenceSd has length 2 but reference has length 3", e.Message);
    }
}
