using Afin.Metrics;

namespace Afin.Tests.Metrics;

[TestClass]
public sealed class CovarianceErrorTests
{
    private static readonly double[,] Approx = { { 2, 1 }, { 1, 3 } };
    private static readonly double[,] Reference = { { 1, 0 }, { 0, 1 } };

    [TestMethod]
    public void FrobeniusMatchesHandComputedValue()
    {
        // Difference [[1, 1], [1, 2]]: sqrt(1 + 1 + 1 + 4) = sqrt(7).
        Assert.AreEqual(Math.Sqrt(7), CovarianceError.Frobenius(Approx, Reference), 1e-15);
    }

    [TestMethod]
    public void RelativeFrobeniusDividesByReferenceNorm()
    {
        // ||I||_F = sqrt(2).
        Assert.AreEqual(Math.Sqrt(3.5), CovarianceError.RelativeFrobenius(Approx, Reference), 1e-15);
    }

    [TestMethod]
    public void IsZeroForEqualMatrices()
    {
        Assert.AreEqual(0.0, CovarianceError.Frobenius(Approx, (double[,])Approx.Clone()));
    }

    [TestMethod]
    public void RejectsShapeMismatch()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => CovarianceError.Frobenius(Approx, new double[3, 3]));
        Assert.Contains("approx is 2 x 2 but reference is 3 x 3", e.Message);
    }

    [TestMethod]
    public void RejectsNonSquareAndNonFinite()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => CovarianceError.Frobenius(new double[2, 3], new double[2, 3]));
        Assert.Contains("approx is 2 x 3; expected a square matrix", e.Message);
        var bad = new double[,] { { 1, 0 }, { double.PositiveInfinity, 1 } };
        e = Assert.ThrowsExactly<ArgumentException>(() => CovarianceError.Frobenius(Approx, bad));
        Assert.Contains("reference[1, 0] is Infinity; expected a finite number", e.Message);
    }

    [TestMethod]
    public void RelativeRejectsZeroReference()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => CovarianceError.RelativeFrobenius(Approx, new double[2, 2]));
        Assert.Contains("zero matrix", e.Message);
    }
}
