using Afin.Correction;
using MathNet.Numerics.Distributions;

namespace Afin.Tests.Correction;

[TestClass]
public sealed class MultivariateStudentTTests
{
    [TestMethod]
    public void OneDimensionalDensityIsTheStudentT()
    {
        var t = new MultivariateStudentT([0.7], new double[,] { { 2.25 } }, 4);
        var reference = new StudentT(0.7, 1.5, 4);
        var points = new double[,] { { -3 }, { 0.7 }, { 2.1 }, { 40 } };
        var logDensity = t.LogDensity(points);
        for (int i = 0; i < 4; i++)
        {
            Assert.AreEqual(reference.DensityLn(points[i, 0]), logDensity[i], 1e-12);
        }
    }

    [TestMethod]
    public void DrawsHaveTheLocationAndTheCovarianceScaleTimesNuOverNuMinusTwo()
    {
        var scale = new double[,] { { 1, 0.6 }, { 0.6, 2 } };
        var t = new MultivariateStudentT([1, -2], scale, 6);
        var draws = t.Sample(200_000, 3);
        var mean = Afin.Metrics.SampleMoments.Mean(draws);
        var covariance = Afin.Metrics.SampleMoments.Covariance(draws);
        Assert.AreEqual(1, mean[0], 0.01);
        Assert.AreEqual(-2, mean[1], 0.015);
        for (int i = 0; i < 2; i++)
        {
            for (int j = 0; j < 2; j++)
            {
                Assert.AreEqual(scale[i, j] * 1.5, covariance[i, j], 0.04 * 1.5 * Math.Sqrt(scale[i, i] * scale[j, j]), $"{i},{j}");
            }
        }
        CollectionAssert.AreEqual(draws, new MultivariateStudentT([1, -2], scale, 6).Sample(200_000, 3), "the same seed gives the same draws");
    }

    [TestMethod]
    public void FromCovarianceMatchesTheCovariance()
    {
        var covariance = new double[,] { { 4, 1 }, { 1, 1 } };
        var t = MultivariateStudentT.FromCovariance([0, 0], covariance, 5);
        var direct = new MultivariateStudentT([0, 0], new double[,] { { 4 * 0.6, 0.6 }, { 0.6, 0.6 } }, 5);
        var points = new double[,] { { 0.3, -1 }, { 2, 2 } };
        CollectionAssert.AreEqual(direct.LogDensity(points), t.LogDensity(points));
        Assert.Throws<ArgumentException>(() => MultivariateStudentT.FromCovariance([0, 0], covariance, 2));
    }

    [TestMethod]
    [DataRow("scale", "indefinite")]
    [DataRow("scale", "shape")]
    [DataRow("location", "nan")]
    [DataRow("degreesOfFreedom", "zero")]
    public void InvalidArgumentIsNamed(string parameter, string kind)
    {
        var exception = Assert.Throws<ArgumentException>(() => kind switch
        {
            "indefinite" => new MultivariateStudentT([0, 0], new double[,] { { 1, 2 }, { 2, 1 } }, 4),
            "shape" => new MultivariateStudentT([0, 0], new double[,] { { 1 } }, 4),
            "nan" => new MultivariateStudentT([double.NaN], new double[,] { { 1 } }, 4),
            _ => new MultivariateStudentT([0], new double[,] { { 1 } }, 0),
        });
        Assert.AreEqual(parameter, exception.ParamName);
    }
}
