using Afin.Correction;
using Afin.Metrics;
using Afin.Network;
using Afin.References;

namespace Afin.Tests.Correction;

[TestClass]
public sealed class ImportanceSamplerTests
{
    [TestMethod]
    public void ExactProposalGivesSmallParetoKAndFullEffectiveSampleSize()
    {
        var problem = CorrectionTestKit.ConjugateProblem(11);
        var exact = ExactPosterior.Compute(problem);
        var result = ImportanceSampler.Run(CorrectionTestKit.Around(exact, 0, 1), problem.LogDensity(), 4000, 1);
        Assert.IsLessThan(0.5, result.ParetoK);
        Assert.IsTrue(result.IsReliable);
        Assert.IsGreaterThan(0.99, result.EffectiveSampleSizeRatio);
        Assert.AreEqual(0, result.NonFiniteDraws);
    }

    [TestMethod]
    public void SlightlyWideProposalGivesSmallParetoK()
    {
        // q wider than p bounds p / q, so the ratios have a short tail (k̂ < 0.5), fitted rather than tied.
        var problem = CorrectionTestKit.ConjugateProblem(12);
        var exact = ExactPosterior.Compute(problem);
        var result = ImportanceSampler.Run(CorrectionTestKit.Around(exact, 0.1, 1.2), problem.LogDensity(), 4000, 2);
        Assert.IsLessThan(0.5, result.ParetoK);
        Assert.IsGreaterThan(double.NegativeInfinity, result.ParetoK);
    }

    [TestMethod]
    public void TooNarrowProposalGivesLargeParetoK()
    {
        // q = N(μ, 0.1 Σ): p / q grows like exp(0.9 |u|² / 2) in q's standard units, a Pareto tail of shape 0.9
        // (approached slowly, so k̂ scatters around 0.9 from below); 16000 draws keep that scatter well above 0.7.
        var problem = CorrectionTestKit.ConjugateProblem(13);
        var exact = ExactPosterior.Compute(problem);
        var result = ImportanceSampler.Run(CorrectionTestKit.Around(exact, 0, Math.Sqrt(0.1)), problem.LogDensity(), 16000, 3);
        Assert.IsGreaterThan(0.7, result.ParetoK);
        Assert.IsFalse(result.IsReliable);
        Assert.IsLessThan(0.5, result.EffectiveSampleSizeRatio);
    }

    [TestMethod]
    public void AProbeThatPassesGivesTheWholeRunAndOneThatFailsStopsAfterIt()
    {
        var problem = CorrectionTestKit.ConjugateProblem(14);
        var exact = ExactPosterior.Compute(problem);
        var good = CorrectionTestKit.Around(exact, 0.1, 1.2);
        var whole = ImportanceSampler.RunProposal(good, problem.LogDensity(), 2000, 3);
        var probed = ImportanceSampler.RunProposal(good, problem.LogDensity(), 2000, 3, probeDraws: 500, hopelessParetoK: 1.0);
        Assert.AreEqual(2000, probed.DrawCount);
        Assert.AreEqual(whole.ParetoK, probed.ParetoK);
        CollectionAssert.AreEqual(whole.Mean, probed.Mean, "the probe's draws are the run's first ones");

        // Shifted 4 sds and 20 times too narrow: the ratios' tail is far heavier than any with a mean.
        var hopeless = CorrectionTestKit.Around(exact, 4, 0.05);
        var stopped = ImportanceSampler.RunProposal(hopeless, problem.LogDensity(), 2000, 3, probeDraws: 500, hopelessParetoK: 1.0);
        Assert.AreEqual(500, stopped.DrawCount);
        Assert.IsGreaterThan(1.0, stopped.ParetoK);
    }

    [TestMethod]
    public void AnExtendedRunKeepsItsDrawsAndWeighsThemWithTheNewOnes()
    {
        var problem = CorrectionTestKit.ConjugateProblem(15);
        var exact = ExactPosterior.Compute(problem);
        var q = CorrectionTestKit.Around(exact, 0.3, 1.1);
        var first = ImportanceSampler.RunProposal(q, problem.LogDensity(), 500, 4);
        var extended = ImportanceSampler.Extend(first, q, problem.LogDensity(), 1500, 5);
        Assert.AreEqual(2000, extended.DrawCount);
        for (int i = 0; i < 500; i += 23)
        {
            Assert.AreEqual(first.Draws[i, 0], extended.Draws[i, 0]);
            Assert.AreEqual(first.LogTarget[i], extended.LogTarget[i], "earlier draws are not evaluated again");
        }
        // Four times the draws: the Monte Carlo error about halves, and the answer stays within it of the exact one.
        Assert.IsLessThan(0.7 * first.MaxRelativeMonteCarloError, extended.MaxRelativeMonteCarloError);
        Assert.IsLessThan(4 * extended.MaxRelativeMonteCarloError, CorrectionTestKit.MeanError(extended.Mean, exact));
    }

    [TestMethod]
    public void EstimatesConvergeToTheExactPosteriorAsDrawsGrow()
    {
        var problem = CorrectionTestKit.ConjugateProblem(14);
        var exact = ExactPosterior.Compute(problem);
        var proposal = CorrectionTestKit.Around(exact, 0.5, 1.3);
        var target = problem.LogDensity();
        // Root-mean-square error over several small runs, so one lucky seed cannot pass the comparison.
        double smallError = Math.Sqrt(Enumerable.Range(0, 8)
            .Select(seed => Math.Pow(CorrectionTestKit.MeanError(ImportanceSampler.Run(proposal, target, 500, 100 + seed).Mean, exact), 2))
            .Average());
        var large = ImportanceSampler.Run(proposal, target, 64000, 4);
        double largeError = CorrectionTestKit.MeanError(large.Mean, exact);
        Assert.IsLessThan(0.05, largeError);
        Assert.IsLessThan(smallError / 3, largeError);
        Assert.IsLessThan(0.05, CorrectionTestKit.VarianceError(large.Covariance, exact));
        Assert.IsLessThan(0.5, large.ParetoK);
    }

    [TestMethod]
    [DataRow(-1e4)]
    [DataRow(-1e6)]
    public void HugeLogDensitiesStillGiveFiniteWeights(double offset)
    {
        var problem = CorrectionTestKit.ConjugateProblem(15);
        var exact = ExactPosterior.Compute(problem);
        var proposal = CorrectionTestKit.Around(exact, 0.3, 1.2);
        var plain = ImportanceSampler.Run(proposal, problem.LogDensity(), 2000, 5);
        var shifted = ImportanceSampler.Run(proposal, new OffsetLogDensity(problem.LogDensity(), offset), 2000, 5);
        Assert.IsTrue(shifted.SmoothedWeights.All(double.IsFinite));
        Assert.IsTrue(shifted.LogWeights.All(double.IsFinite));
        Assert.AreEqual(1.0, shifted.SmoothedWeights.Sum(), 1e-12);
        Assert.AreEqual(plain.ParetoK, shifted.ParetoK, 1e-3);
        for (int i = 0; i < plain.SmoothedWeights.Length; i++)
        {
            // The offset costs digits of log p itself (|offset| x 1e-16), nothing more.
            Assert.AreEqual(plain.SmoothedWeights[i], shifted.SmoothedWeights[i], 1e-7);
        }
    }

    [TestMethod]
    public void ManyObservationsGiveFiniteWeights()
    {
        // 2000 observations put log p thousands of units below zero by themselves, with no artificial offset.
        var problem = CorrectionTestKit.ConjugateProblem(16, d: 2, observations: 2000);
        var exact = ExactPosterior.Compute(problem);
        var result = ImportanceSampler.Run(CorrectionTestKit.Around(exact, 0.2, 1.1), problem.LogDensity(), 2000, 6);
        Assert.IsLessThan(-1000.0, result.LogTarget.Max());
        Assert.IsTrue(result.SmoothedWeights.All(double.IsFinite));
        Assert.IsLessThan(0.1, CorrectionTestKit.MeanError(result.Mean, exact));
    }

    [TestMethod]
    public void NonFiniteTargetValuesGetZeroWeightAndAreCounted()
    {
        var problem = CorrectionTestKit.ConjugateProblem(17);
        var exact = ExactPosterior.Compute(problem);
        double cut = exact.Mean[0] + 2 * exact.StdDev[0];
        var target = new BrokenLogDensity(problem.LogDensity(), z => z[0] > cut);
        var result = ImportanceSampler.Run(CorrectionTestKit.Around(exact, 0, 1.2), target, 3000, 7);
        int broken = Enumerable.Range(0, result.DrawCount).Count(i => result.Draws[i, 0] > cut);
        Assert.IsGreaterThan(0, broken);
        Assert.AreEqual(broken, result.NonFiniteDraws);
        for (int i = 0; i < result.DrawCount; i++)
        {
            if (result.Draws[i, 0] > cut)
            {
                Assert.AreEqual(0.0, result.SmoothedWeights[i]);
                Assert.AreEqual(double.NegativeInfinity, result.LogWeights[i]);
            }
        }
        Assert.AreEqual(1.0, result.SmoothedWeights.Sum(), 1e-12);
        Assert.IsTrue(result.Mean.All(double.IsFinite));
    }

    [TestMethod]
    public void AllNonFiniteDrawsThrowWithAReason()
    {
        var problem = CorrectionTestKit.ConjugateProblem(18);
        var proposal = CorrectionTestKit.Around(ExactPosterior.Compute(problem), 0, 1);
        var target = new BrokenLogDensity(problem.LogDensity(), _ => true);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => ImportanceSampler.Run(proposal, target, 50, 1));
        StringAssert.Contains(e.Message, "non-finite at all 50 draws");
    }

    [TestMethod]
    public void MonteCarloErrorOfEqualWeightsIsTheStandardErrorOfAPlainMean()
    {
        // Equal weights (q = p up to a constant): the delta-method error √(Σ wᵢ² (zᵢ - μ)²) is exactly sd / √n, with the
        // sd of the draws (divisor n).
        var draws = new double[,] { { 1, 10 }, { 2, 10 }, { 4, 13 }, { 5, 7 } };
        var logDensity = new double[] { -1, -1, -1, -1 };
        var result = ImportanceSampler.Reweight(draws, logDensity, (double[])logDensity.Clone());
        double sd0 = Math.Sqrt((4 + 1 + 1 + 4) / 4.0), sd1 = Math.Sqrt((0 + 0 + 9 + 9) / 4.0);
        Assert.AreEqual(sd0 / 2, result.MonteCarloStandardError[0], 1e-12);
        Assert.AreEqual(sd1 / 2, result.MonteCarloStandardError[1], 1e-12);
        Assert.AreEqual(0.5, result.MaxRelativeMonteCarloError, 1e-12, "sd / √n over sd = 1 / √4");
    }

    [TestMethod]
    public void MonteCarloErrorPredictsTheSpreadOfWeightedMeansOverSeeds()
    {
        var problem = CorrectionTestKit.ConjugateProblem(7, d: 2);
        var exact = Afin.References.ExactPosterior.Compute(problem);
        var q = CorrectionTestKit.Around(exact, shiftInSd: 0.5, scale: 1.6);
        var runs = Enumerable.Range(0, 200).Select(seed => ImportanceSampler.Run(q, problem.LogDensity(), 400, seed)).ToArray();
        for (int j = 0; j < 2; j++)
        {
            var means = runs.Select(r => r.Mean[j]).ToArray();
            double spread = Math.Sqrt(means.Select(m => (m - means.Average()) * (m - means.Average())).Average());
            double predicted = runs.Average(r => r.MonteCarloStandardError[j]);
            Assert.AreEqual(spread, predicted, 0.2 * spread, $"coordinate {j}: spread over seeds {spread:G3}, predicted {predicted:G3}");
        }
    }

    [TestMethod]
    public void ResamplingIsDeterministicHasTheRequestedCountAndMatchesTheWeightedMean()
    {
        var problem = CorrectionTestKit.ConjugateProblem(19);
        var exact = ExactPosterior.Compute(problem);
        var result = ImportanceSampler.Run(CorrectionTestKit.Around(exact, 0.5, 1.3), problem.LogDensity(), 8000, 8);
        var first = result.Resample(5000, 42);
        var again = result.Resample(5000, 42);
        var other = result.Resample(5000, 43);
        Assert.AreEqual(5000, first.GetLength(0));
        Assert.AreEqual(result.Dimension, first.GetLength(1));
        CollectionAssert.AreEqual(first, again);
        CollectionAssert.AreNotEqual(first, other);
        var mean = SampleMoments.Mean(first);
        var sd = exact.StdDev;
        for (int j = 0; j < mean.Length; j++)
        {
            Assert.IsLessThan(0.02, Math.Abs(mean[j] - result.Mean[j]) / sd[j]);
        }
        Assert.AreEqual(3, result.Resample(3, 1).GetLength(0));
    }

    [TestMethod]
    public void RejectsBadArgumentsNamingTheParameter()
    {
        var problem = CorrectionTestKit.ConjugateProblem(20);
        var proposal = CorrectionTestKit.Around(ExactPosterior.Compute(problem), 0, 1);
        var target = problem.LogDensity();
        var fewDraws = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ImportanceSampler.Run(proposal, target, 1, 1));
        Assert.AreEqual("draws", fewDraws.ParamName);
        var otherDimension = CorrectionTestKit.ConjugateProblem(20, d: 2).LogDensity();
        var mismatch = Assert.ThrowsExactly<ArgumentException>(() => ImportanceSampler.Run(proposal, otherDimension, 100, 1));
        Assert.AreEqual("target", mismatch.ParamName);
        StringAssert.Contains(mismatch.Message, "dimension 3");
        Assert.ThrowsExactly<ArgumentNullException>(() => ImportanceSampler.Run(null!, target, 100, 1));
        Assert.ThrowsExactly<ArgumentNullException>(() => ImportanceSampler.Run(proposal, null!, 100, 1));
        var shortLogTarget = Assert.ThrowsExactly<ArgumentException>(() => ImportanceSampler.Reweight(new double[4, 3], new double[3], new double[4]));
        Assert.AreEqual("logTarget", shortLogTarget.ParamName);
        var result = ImportanceSampler.Run(proposal, target, 100, 1);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => result.Resample(0, 1));
    }
}
