using Afin.Laplace;
using Afin.Modelling;
using Afin.References;

namespace Afin.Tests.Laplace;

/// <summary>
/// Problems whose every number is within <see cref="NumericLimits"/> but whose combination overflows the Laplace
/// approximation (issue 15): a validation error naming the factor, never an eigen-decomposition of infinities.
/// </summary>
[TestClass]
public sealed class LaplaceOverflowTests
{
    [TestMethod]
    public void ARateThatOverflowsAtTheStartNamesTheObservation()
    {
        // exp(800) overflows: the Poisson factor of row 1 is -∞ at the prior's location.
        var problem = BayesianProblem.Create(new GaussianPrior(0, 1),
            [new PoissonLogBlock(new double[,] { { 1, 0 }, { 0, 1 } }, [3.0, 2.0], [0.0, 800.0])]);
        var e = Assert.ThrowsExactly<ProblemValidationException>(() => LaplaceApproximation.Compute(problem));
        Assert.AreEqual("observations[0].y[1]", e.Path);
        StringAssert.Contains(e.Message, "at the prior's location");
        StringAssert.Contains(e.Message, "x[1]·z + offset[1] is 800");
    }

    [TestMethod]
    public void ACurvatureThatOverflowsAtTheModeNamesTheObservation()
    {
        // The mode is z = 0, where the row's curvature x² / sigma² = 1e300 / 1e-300 overflows.
        var problem = BayesianProblem.Create(new GaussianPrior(0, 1),
            [new LinearGaussianBlock(new double[,] { { 1e150 } }, [0.0], 1e-150)]);
        var e = Assert.ThrowsExactly<ProblemValidationException>(() => LaplaceApproximation.Compute(problem));
        Assert.AreEqual("observations[0].y[0]", e.Path);
        StringAssert.Contains(e.Message, "at the posterior mode");
    }

    [TestMethod]
    public void ACovarianceThatOverflowsIsRejectedByBothMethods()
    {
        // Positive definite, diagonal 1e-300, correlation 1 - 1e-10: the variance along (1, -1) is about 5e309.
        double c = (1 - 1e-10) * 1e-300;
        var problem = BayesianProblem.Create(new FullRankGaussianPrior([0.0], new[,] { { 1e-300, c }, { c, 1e-300 } }));
        var laplace = Assert.ThrowsExactly<ProblemValidationException>(() => LaplaceApproximation.Compute(problem));
        Assert.AreEqual("prior", laplace.Path);
        StringAssert.Contains(laplace.Message, "overflows double arithmetic");
        var exact = Assert.ThrowsExactly<ProblemValidationException>(() => ExactPosterior.Compute(problem));
        Assert.AreEqual("prior", exact.Path);
    }

    [TestMethod]
    public void ADimensionBeyondTheDenseLimitIsRejectedBeforeAnythingIsAllocated()
    {
        // d x d doubles at d = 100000 would be 75 GiB; the methods refuse at once, naming the d field.
        var problem = BayesianProblem.Create(new GaussianPrior(0, 1), dimension: 100_000);
        var laplace = Assert.ThrowsExactly<ProblemValidationException>(() => LaplaceApproximation.Compute(problem));
        Assert.AreEqual("d", laplace.Path);
        StringAssert.Contains(laplace.Message, "takes d up to 4096, got d = 100000");
        var exact = Assert.ThrowsExactly<ProblemValidationException>(() => ExactPosterior.Compute(problem));
        Assert.AreEqual("d", exact.Path);
    }
}
