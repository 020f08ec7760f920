using Afin.Correction;
using Afin.References;

namespace Afin.Tests.Correction;

[TestClass]
public sealed class IndependenceMetropolisHastingsTests
{
    [TestMethod]
    public void LeavesTheExactPosteriorInvariant()
    {
        var problem = CorrectionTestKit.ConjugateProblem(31);
        var exact = ExactPosterior.Compute(problem);
        var proposal = CorrectionTestKit.Around(exact, 0.3, 1.3);
        var result = IndependenceMetropolisHastings.Run(proposal, problem.LogDensity(), 30000, 1, burnIn: 100);
        Assert.AreEqual(30000, result.Draws.GetLength(0));
        Assert.IsGreaterThan(0.0, result.AcceptanceRate);
        Assert.IsLessThanOrEqualTo(1.0, result.AcceptanceRate);
        // Started at the proposal's own draws, the chain would keep q's mean (0.3 sd off) without correct acceptance.
        Assert.IsLessThan(0.05, CorrectionTestKit.MeanError(result.Mean, exact));
        Assert.IsLessThan(0.08, CorrectionTestKit.VarianceError(result.Covariance, exact));
    }

    [TestMethod]
    public void ExactProposalIsAlmostAlwaysAccepted()
    {
        var problem = CorrectionTestKit.ConjugateProblem(32);
        var exact = ExactPosterior.Compute(problem);
        var result = IndependenceMetropolisHastings.Run(CorrectionTestKit.Around(exact, 0, 1), problem.LogDensity(), 2000, 2);
        Assert.IsGreaterThan(0.999, result.AcceptanceRate);
    }

    [TestMethod]
    public void PoorProposalLowersTheAcceptanceRate()
    {
        var problem = CorrectionTestKit.ConjugateProblem(33);
        var exact = ExactPosterior.Compute(problem);
        var good = IndependenceMetropolisHastings.Run(CorrectionTestKit.Around(exact, 0.1, 1.1), problem.LogDensity(), 2000, 3);
        var poor = IndependenceMetropolisHastings.Run(CorrectionTestKit.Around(exact, 1.0, 2.0), problem.LogDensity(), 2000, 3);
        Assert.IsLessThan(good.AcceptanceRate, poor.AcceptanceRate);
    }

    [TestMethod]
    public void SameSeedGivesTheSameChain()
    {
        var problem = CorrectionTestKit.ConjugateProblem(34);
        var proposal = CorrectionTestKit.Around(ExactPosterior.Compute(problem), 0.5, 1.3);
        var first = IndependenceMetropolisHastings.Run(proposal, problem.LogDensity(), 500, 9, burnIn: 10);
        var again = IndependenceMetropolisHastings.Run(proposal, problem.LogDensity(), 500, 9, burnIn: 10);
        CollectionAssert.AreEqual(first.Draws, again.Draws);
        Assert.AreEqual(first.AcceptanceRate, again.AcceptanceRate);
    }

    [TestMethod]
    public void NonFiniteProposalsAreRejected()
    {
        var problem = CorrectionTestKit.ConjugateProblem(35);
        var exact = ExactPosterior.Compute(problem);
        double cut = exact.Mean[0];
        var target = new BrokenLogDensity(problem.LogDensity(), z => z[0] > cut);
        var result = IndependenceMetropolisHastings.Run(CorrectionTestKit.Around(exact, 0, 1.2), target, 2000, 4);
        Assert.IsGreaterThan(0, result.NonFiniteProposals);
        for (int i = 0; i < result.Draws.GetLength(0); i++)
        {
            Assert.IsLessThanOrEqualTo(cut, result.Draws[i, 0]);
        }
    }

    [TestMethod]
    public void RejectsBadArgumentsNamingTheParameter()
    {
        var problem = CorrectionTestKit.ConjugateProblem(36);
        var proposal = CorrectionTestKit.Around(ExactPosterior.Compute(problem), 0, 1);
        var target = problem.LogDensity();
        Assert.AreEqual("draws", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => IndependenceMetropolisHastings.Run(proposal, target, 1, 1)).ParamName);
        Assert.AreEqual("burnIn", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => IndependenceMetropolisHastings.Run(proposal, target, 10, 1, -1)).ParamName);
        var otherDimension = CorrectionTestKit.ConjugateProblem(36, d: 4).LogDensity();
        Assert.AreEqual("target", Assert.ThrowsExactly<ArgumentException>(() => IndependenceMetropolisHastings.Run(proposal, otherDimension, 10, 1)).ParamName);
        var broken = new BrokenLogDensity(target, _ => true);
        Assert.ThrowsExactly<InvalidOperationException>(() => IndependenceMetropolisHastings.Run(proposal, broken, 10, 1));
    }
}
