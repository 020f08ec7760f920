using Afin.Metrics;

namespace Afin.Tests.Metrics;

[TestClass]
public sealed class MeanErrorTests
{
    [TestMethod]
    public void EuclideanAndPerCoordinateMatchHandComputedValues()
    {
        double[] approx = [1, 2, 3];
        double[] reference = [4, 6, 3];
        CollectionAssert.AreEqual(new double[] { 3, 4, 0 }, MeanError.PerCoordinate(approx, reference));
        Assert.AreEqual(5.0, MeanError.Euclidean(approx, reference), 1e-15);
    }

    [TestMethod]
    public void IsZeroForEqualMeans()
    {
        double[] m = [0.25, -3, 7];
        Assert.AreEqual(0.0, MeanError.Euclidean(m, (double[])m.Clone()));
    }

    [TestMethod]
    public void RejectsLengthMismatchNamingBothArguments()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => MeanError.Euclidean([1, 2], [1, 2, 3]));
        Assert.AreEqual("approx", e.ParamName);
        Assert.Contains("approx has length 2 but reference has length 3", e.Message);
    }

    [TestMethod]
    public void RejectsNonFiniteValueNamingTheIndex()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => MeanError.PerCoordinate([1, 2], [1, double.NaN]));
        Assert.AreEqual("reference", e.ParamName);
        Assert.Contains("reference[1] is NaN; expected a finite number", e.Message);
    }

    [TestMethod]
    public void RejectsNullAndEmpty()
    {
        Assert.ThrowsExactly<ArgumentNullException>(() => MeanError.Euclidean(null!, [1.0]));
        var e = Assert.ThrowsExactly<ArgumentException>(() => MeanError.Euclidean([], []));
        Assert.Contains("approx is empty", e.Message);
    }
}
