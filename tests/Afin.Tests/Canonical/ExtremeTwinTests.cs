using Afin.Canonical;
using Afin.Modelling;

namespace Afin.Tests.Canonical;

/// <summary>
/// The canonical twin of an extreme but valid problem (issue 15): it may lie beyond the limits on user input, and its
/// prior precision may be singular in double precision; either way the network still gets a twin, never a validation
/// error about a field the user did not write.
/// </summary>
[TestClass]
public sealed class ExtremeTwinTests
{
    private static readonly double[,] Design = { { 0.5, -0.2 }, { 0.1, 0.9 }, { -0.7, 0.3 }, { 0.4, 0.4 } };

    [TestMethod]
    public void AVeryWeakPriorGivesATwinBeyondTheInputLimits()
    {
        // A prior sd of 1e150, the largest accepted, has precision 1e-300; whitened by the data it falls to about 1e-301.
        var problem = BayesianProblem.Create(new GaussianPrior(0, 1e150), [new LinearGaussianBlock(Design, [0.3, -0.1, 0.5, 0.2], 0.5)]);
        var twin = CanonicalFrame.Create(problem, LatentCoordinates.Full).Problem;
        var precision = ((FullRankGaussianPrior)twin.Prior).Precision;
        Assert.IsLessThan(1e-300, precision[0, 0], "below the input limit, and accepted");
        Assert.IsGreaterThan(0.0, precision[0, 0]);
    }

    [TestMethod]
    public void APriorSwampedByTheDataInOneDirectionGivesAPositiveDefiniteTwin()
    {
        // One design entry of 1e149 pins z1 down to 1e-150: the prior's precision in u is singular in double until its ridge.
        var x = (double[,])Design.Clone();
        x[1, 1] = 1e149;
        var problem = BayesianProblem.Create(new GaussianPrior(0, 1), [new LinearGaussianBlock(x, [0.3, -0.1, 0.5, 0.2], 0.5)]);
        var twin = CanonicalFrame.Create(problem, LatentCoordinates.Full).Problem;
        var precision = ((FullRankGaussianPrior)twin.Prior).Precision;
        Assert.IsNotNull(FullRankGaussianPrior.LogDeterminantIfPositiveDefinite(precision));
        Assert.IsLessThanOrEqualTo(1.0 + 1e-9, precision[0, 0], "the prior's precision in u is at most I");
    }
}
