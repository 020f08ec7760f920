using Afin.Modelling;
using Afin.References;
using MathNet.Numerics.LinearAlgebra;

namespace Afin.Tests.References;

[TestClass]
public sealed class ExactPosteriorTests
{
    [TestMethod]
    public void MatchesBruteForceDenseGaussianConditioning()
    {
        // Joint Gaussian of (z, y): condition with the covariance-form formulas, independent of the
        // precision-form code under test.
        var rng = new Random(21);
        int d = 3, n = 6;
        var loc = TestProblems.RandomVector(rng, d, 0.5);
        var priorPrecision = TestProblems.RandomSpd(rng, d);
        var x = TestProblems.RandomMatrix(rng, n, d);
        var y = TestProblems.RandomVector(rng, n);
        var sigma = TestProblems.RandomVector(rng, n, 0.05, 0.5);
        var problem = BayesianProblem.Create(new FullRankGaussianPrior(loc, priorPrecision), [new LinearGaussianBlock(x, y, sigma)]);

        var m0 = Vector<double>.Build.DenseOfArray(loc);
        var s0 = Matrix<double>.Build.DenseOfArray(priorPrecision).Inverse();
        var xm = Matrix<double>.Build.DenseOfArray(x);
        var noise = Matrix<double>.Build.DenseOfDiagonalArray(sigma.Select(s => s * s).ToArray());
        var yCov = xm * s0 * xm.Transpose() + noise;
        var gain = s0 * xm.Transpose() * yCov.Inverse();
        var residual = Vector<double>.Build.DenseOfArray(y) - xm * m0;
        var mean = m0 + gain * residual;
        var cov = s0 - gain * xm * s0;
        double logMarginal = -0.5 * (residual * yCov.Inverse() * residual) - 0.5 * Math.Log(yCov.Determinant()) - 0.5 * n * Math.Log(2 * Math.PI);

        var exact = ExactPosterior.Compute(problem);
        for (int i = 0; i < d; i++)
        {
            Assert.AreEqual(mean[i], exact.Mean[i], 1e-10);
            for (int j = 0; j < d; j++)
            {
                Assert.AreEqual(cov[i, j], exact.Covariance[i, j], 1e-10);
            }
        }
        Assert.AreEqual(logMarginal, exact.LogMarginalLikelihood, 1e-9);
    }

    [TestMethod]
    public void DirectGaussianObservationsShrinkTowardsTheirAverage()
    {
        // z ~ N(0, 1), y_n ~ N(z, 0.5^2): posterior precision 1 + n/0.25, mean = (sum y / 0.25) / precision.
        var y = new double[,] { { 1.0, -1.0 }, { 0.5, 0.0 }, { 0.0, 2.0 } };
        var exact = ExactPosterior.Compute(BayesianProblem.Create(new GaussianPrior(0, 1), [new DirectGaussianBlock(y, 0.5)]));
        double precision = 1 + 3 / 0.25;
        Assert.AreEqual(1.5 / 0.25 / precision, exact.Mean[0], 1e-12);
        Assert.AreEqual(1.0 / 0.25 / precision, exact.Mean[1], 1e-12);
        Assert.AreEqual(1 / precision, exact.Covariance[1, 1], 1e-12);
        Assert.AreEqual(0, exact.Covariance[0, 1], 1e-12);
    }

    [TestMethod]
    public void PriorOnlyProblemReturnsThePriorWithZeroEvidence()
    {
        var exact = ExactPosterior.Compute(BayesianProblem.Create(new GaussianPrior([1.0, 2.0], [0.5, 3.0])));
        CollectionAssert.AreEqual(new[] { 1.0, 2.0 }, exact.Mean);
        Assert.AreEqual(9.0, exact.Covariance[1, 1], 1e-12);
        Assert.AreEqual(0.0, exact.LogMarginalLikelihood, 1e-12);
    }

    [TestMethod]
    public void RejectsNonConjugateProblemsWithAReason()
    {
        var problem = BayesianProblem.Create(new LaplacePrior(0, 1), dimension: 2);
        var e = Assert.ThrowsExactly<ArgumentException>(() => ExactPosterior.Compute(problem));
        StringAssert.Contains(e.Message, "laplace");
    }
}
