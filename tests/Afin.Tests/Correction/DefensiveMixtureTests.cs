using Afin.Correction;

namespace Afin.Tests.Correction;

[TestClass]
public sealed class DefensiveMixtureTests
{
    [TestMethod]
    [DataRow(500, 500, DisplayName = "equal runs: half and half")]
    [DataRow(250, 750, DisplayName = "a run stopped early: a quarter and three quarters")]
    public void PooledDrawsAreWeightedByTheMixtureInTheRunsProportions(int firstDraws, int secondDraws)
    {
        var problem = CorrectionTestKit.ConjugateProblem(1, d: 2);
        var exact = Afin.References.ExactPosterior.Compute(problem);
        var afin = CorrectionTestKit.Around(exact, shiftInSd: 2, scale: 0.6);
        var t = MultivariateStudentT.FromCovariance(exact.Mean, exact.Covariance, 5);
        var first = ImportanceSampler.RunProposal(afin, problem.LogDensity(), firstDraws, 1);
        var second = ImportanceSampler.RunProposal(t, problem.LogDensity(), secondDraws, 2);

        var pooled = DefensiveMixture.Combine(afin, first, t, second);

        int total = firstDraws + secondDraws;
        Assert.AreEqual(total, pooled.DrawCount);
        var qa = afin.LogDensity(pooled.Draws);
        var qt = t.LogDensity(pooled.Draws);
        for (int i = 0; i < total; i += 37)
        {
            double expected = Math.Log((double)firstDraws / total * Math.Exp(qa[i]) + (double)secondDraws / total * Math.Exp(qt[i]));
            Assert.AreEqual(expected, pooled.LogProposal[i], 1e-9, $"draw {i}");
            Assert.AreEqual(i < firstDraws ? first.LogTarget[i] : second.LogTarget[i - firstDraws], pooled.LogTarget[i], "the target is not evaluated again");
        }
        // The mixture covers the posterior where the shifted, narrow q does not: its answer is accurate.
        Assert.IsLessThan(0.7, pooled.ParetoK);
        Assert.IsLessThan(0.15, CorrectionTestKit.MeanError(pooled.Mean, exact));
    }

    [TestMethod]
    public void RunsOfDifferentDimensionsAreRefused()
    {
        var a = CorrectionTestKit.ConjugateProblem(2, d: 2);
        var b = CorrectionTestKit.ConjugateProblem(3, d: 3);
        var qa = CorrectionTestKit.Around(Afin.References.ExactPosterior.Compute(a), 0, 1);
        var qb = CorrectionTestKit.Around(Afin.References.ExactPosterior.Compute(b), 0, 1);
        var ra = ImportanceSampler.RunProposal(qa, a.LogDensity(), 100, 1);
        var rb = ImportanceSampler.RunProposal(qb, b.LogDensity(), 100, 2);
        Assert.Throws<ArgumentException>(() => DefensiveMixture.Combine(qa, ra, qb, rb));
    }
}
