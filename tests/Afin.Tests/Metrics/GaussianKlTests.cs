using Afin.Metrics;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;

namespace Afin.Tests.Metrics;

[TestClass]
public sealed class GaussianKlTests
{
    private static readonly double[] M0 = [0.5, -1.0, 2.0];
    private static readonly double[,] S0 = { { 2.0, 0.6, -0.3 }, { 0.6, 1.0, 0.4 }, { -0.3, 0.4, 1.5 } };
    private static readonly double[] M1 = [0.0, -0.5, 2.5];
    private static readonly double[,] S1 = { { 1.0, -0.2, 0.1 }, { -0.2, 2.0, 0.7 }, { 0.1, 0.7, 0.8 } };

    [TestMethod]
    public void IsZeroForIdenticalGaussians()
    {
        Assert.AreEqual(0.0, GaussianKl.Divergence(M0, S0, (double[])M0.Clone(), (double[,])S0.Clone()), 1e-14);
    }

    [TestMethod]
    public void MatchesClosedFormInOneDimension()
    {
        double m0 = 0.3, s0 = 0.7, m1 = -1.2, s1 = 1.9;
        double expected = Math.Log(s1 / s0) + (s0 * s0 + (m0 - m1) * (m0 - m1)) / (2 * s1 * s1) - 0.5;
        double actual = GaussianKl.Divergence([m0], new[,] { { s0 * s0 } }, [m1], new[,] { { s1 * s1 } });
        Assert.AreEqual(expected, actual, 1e-14);
    }

    [TestMethod]
    public void MatchesMonteCarloEstimateForCorrelatedThreeDimensionalPair()
    {
        // KL = E_{x ~ N0}[log p0(x) - log p1(x)]; seeded, n = 20000, accept within 4 standard errors.
        const int n = 20000;
        var l0 = Matrix<double>.Build.DenseOfArray(S0).Cholesky().Factor;
        var normal = new Normal(0, 1, new Random(12345));
        var logRatios = new double[n];
        for (int s = 0; s < n; s++)
        {
            var z = Vector<double>.Build.Dense(3, _ => normal.Sample());
            var x = Vector<double>.Build.DenseOfArray(M0) + l0 * z;
            logRatios[s] = LogDensity(x, M0, S0) - LogDensity(x, M1, S1);
        }
        double mean = logRatios.Average();
        double sd = Math.Sqrt(logRatios.Sum(r => (r - mean) * (r - mean)) / (n - 1));
        double standardError = sd / Math.Sqrt(n);
        double kl = GaussianKl.Divergence(M0, S0, M1, S1);
        Assert.IsGreaterThan(0.1, kl);
        Assert.IsLessThan(4 * standardError, Math.Abs(mean - kl), $"MC {mean} ± {standardError} vs exact {kl}");
    }

    [TestMethod]
    public void IsAsymmetric()
    {
        double forward = GaussianKl.Divergence(M0, S0, M1, S1);
        double backward = GaussianKl.Divergence(M1, S1, M0, S0);
        Assert.IsGreaterThan(0.01, Math.Abs(forward - backward));

        // 1-d: KL(N(0,1) || N(0,4)) = ln 2 + 1/8 - 1/2; KL(N(0,4) || N(0,1)) = -ln 2 + 2 - 1/2.
        Assert.AreEqual(Math.Log(2) - 0.375, GaussianKl.Divergence([0.0], new[,] { { 1.0 } }, [0.0], new[,] { { 4.0 } }), 1e-15);
        Assert.AreEqual(1.5 - Math.Log(2), GaussianKl.Divergence([0.0], new[,] { { 4.0 } }, [0.0], new[,] { { 1.0 } }), 1e-15);
    }

    [TestMethod]
    public void PerDimensionDividesByDimension()
    {
        Assert.AreEqual(GaussianKl.Divergence(M0, S0, M1, S1) / 3, GaussianKl.DivergencePerDimension(M0, S0, M1, S1));
    }

    [TestMethod]
    public void RejectsIndefiniteCovarianceWithClearMessage()
    {
        var indefinite = new double[,] { { 1, 2 }, { 2, 1 } };
        var e = Assert.ThrowsExactly<ArgumentException>(() => GaussianKl.Divergence([0.0, 0.0], Identity(2), [0.0, 0.0], indefinite));
        Assert.AreEqual("cov1", e.ParamName);
        Assert.Contains("cov1 is not symmetric positive definite", e.Message);
    }

    [TestMethod]
    public void RejectsSingularCovariance()
    {
        var singular = new double[,] { { 1, 1 }, { 1, 1 } };
        var e = Assert.ThrowsExactly<ArgumentException>(() => GaussianKl.Divergence([0.0, 0.0], singular, [0.0, 0.0], Identity(2)));
        Assert.AreEqual("cov0", e.ParamName);
        Assert.Contains("cov0 is not symmetric positive definite", e.Message);
    }

    [TestMethod]
    public void RejectsNonPositiveVarianceAndAsymmetryNamingTheEntry()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => GaussianKl.Divergence([0.0, 0.0], Identity(2), [0.0, 0.0], new double[,] { { 1, 0 }, { 0, -1 } }));
        Assert.Contains("cov1[1, 1] is -1; expected a variance > 0", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => GaussianKl.Divergence([0.0, 0.0], new double[,] { { 1, 0.1 }, { 0.2, 1 } }, [0.0, 0.0], Identity(2)));
        Assert.Contains("cov0[1, 0] is 0.2 but cov0[0, 1] is 0.1; expected a symmetric covariance", e.Message);
    }

    [TestMethod]
    public void RejectsDimensionMismatch()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => GaussianKl.Divergence(M0, S0, M1, Identity(2)));
        Assert.Contains("cov1 is 2 x 2; expected 3 x 3 to match mean0", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => GaussianKl.Divergence(M0, S0, [0.0], S1));
        Assert.Contains("mean1 has length 1 but mean0 has length 3", e.Message);
    }

    private static double[,] Identity(int d)
    {
        var m = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            m[i, i] = 1;
        }
        return m;
    }

    private static double LogDensity(Vector<double> x, double[] mean, double[,] cov)
    {
        var chol = Matrix<double>.Build.DenseOfArray(cov).Cholesky();
        var diff = x - Vector<double>.Build.DenseOfArray(mean);
        return -0.5 * (diff.DotProduct(chol.Solve(diff)) + chol.DeterminantLn + mean.Length * Math.Log(2 * Math.PI));
    }
}
