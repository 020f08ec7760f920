using Afin.Modelling;
using Afin.References;

namespace Afin.Tests.References;

/// <summary>
/// Problems whose every number is within <see cref="NumericLimits"/> but whose combination overflows the exact posterior
/// (issue 15): a validation error naming the factor, never MathNet's "Matrix must be positive definite" or infinities.
/// </summary>
[TestClass]
public sealed class ExactPosteriorOverflowTests
{
    [TestMethod]
    public void ARowWhoseInformationOverflowsIsNamed()
    {
        var problem = BayesianProblem.Create(new GaussianPrior(0, 1),
            [new LinearGaussianBlock(new double[,] { { 0.5, 1 }, { 1e150, 1e150 } }, [0.3, 1.0], [1.0, 1e-150])]);
        var e = Assert.ThrowsExactly<ProblemValidationException>(() => ExactPosterior.Compute(problem));
        Assert.AreEqual("observations[0].x[1]", e.Path);
        StringAssert.Contains(e.Message, "x xᵀ / sigma²");
        StringAssert.Contains(e.Message, "overflows double arithmetic");
    }

    [TestMethod]
    public void APrecisionSingularInDoublePrecisionIsRejectedWithTheReason()
    {
        // Prior precision 1e-300 beside data information 1 in the direction (1, 1) and none across it: positive definite in
        // exact arithmetic, singular once 1 + 1e-300 rounds to 1.
        var problem = BayesianProblem.Create(new GaussianPrior(0, 1e150),
            [new LinearGaussianBlock(new double[,] { { 1, 1 } }, [0.0], 1.0)]);
        var e = Assert.ThrowsExactly<ProblemValidationException>(() => ExactPosterior.Compute(problem));
        Assert.AreEqual("prior", e.Path);
        StringAssert.Contains(e.Message, "the posterior precision");
        StringAssert.Contains(e.Message, "is not positive definite in double precision");
    }

    [TestMethod]
    public void AMeanBeyondDoubleIsRejected()
    {
        // A prior sd of 1e150 cannot hold z against y / x = 1e150 / 5e-324.
        var problem = BayesianProblem.Create(new GaussianPrior(0, 1e150),
            [new LinearGaussianBlock(new double[,] { { 5e-324 } }, [1e150], 1e-150)]);
        var e = Assert.ThrowsExactly<ProblemValidationException>(() => ExactPosterior.Compute(problem));
        Assert.AreEqual("prior", e.Path);
        StringAssert.Contains(e.Message, "the exact posterior of z[0] overflows double arithmetic");
    }

    [TestMethod]
    public void PrecisionsHundredsOfOrdersApartAreSolvedExactly()
    {
        // The Jacobi-scaled factorisation: prior sds of 1e-100 and 1e100, correlated by one observation of their sum.
        var problem = BayesianProblem.Create(new GaussianPrior([1.0, -2.0], [1e-100, 1e100]),
            [new LinearGaussianBlock(new double[,] { { 1, 1 } }, [3.0], 1.0)]);
        var exact = ExactPosterior.Compute(problem);
        Assert.AreEqual(1.0, exact.Mean[0], 1e-12);
        Assert.AreEqual(2.0, exact.Mean[1], 1e-9, "z1 = y - z0, since the prior leaves z1 free");
        Assert.AreEqual(1e-200, exact.Covariance[0, 0], 1e-212);
        Assert.AreEqual(1.0, exact.Covariance[1, 1], 1e-9);
        Assert.IsTrue(double.IsFinite(exact.LogMarginalLikelihood));
    }
}
