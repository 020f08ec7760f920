using Afin.Inference;
using Afin.Modelling;
using Afin.Persistence;
using Afin.References;

namespace Afin.Tests.Inference;

/// <summary>The safety net with the shipped model: each mode, each tier of Auto, and the batch overload.</summary>
[TestClass]
public sealed class AfinInferenceTests
{
    private static AfinModel _model = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static void LoadModel(TestContext context) => _model = AfinModel.LoadDefault();

    [TestMethod]
    public void AutoKeepsAfinOrCorrectsItOnAnEasyInRangeProblem()
    {
        var problem = InferenceTestKit.SmallLogistic(1);
        var (mean, sd) = InferenceTestKit.GridMoments(problem);
        var outcome = AfinInference.Run(_model, problem, InferenceMode.Auto, InferenceTestKit.QuickNuts);
        Log(outcome);

        Assert.AreNotEqual(InferenceMethod.Nuts, outcome.Method, outcome.Reason);
        Assert.IsTrue(outcome.InTrainingRange, string.Join("; ", outcome.OutOfRangeReasons));
        Assert.IsNull(outcome.Nuts);
        Assert.IsLessThan(0.7, outcome.ParetoK);
        Assert.IsLessThan(0.1, InferenceTestKit.MeanError(outcome.Mean, mean, sd));
        StringAssert.StartsWith(outcome.Reason, "Auto: the ");
        StringAssert.Contains(outcome.Reason, "k-hat");
        Assert.IsGreaterThan(TimeSpan.Zero, outcome.Timings.Amortized);
        Assert.IsGreaterThan(TimeSpan.Zero, outcome.Timings.ImportanceSampling);
        Assert.AreEqual(TimeSpan.Zero, outcome.Timings.Nuts);
    }

    [TestMethod]
    public void AutoAnswersOutsideTheTrainingRangeToNutsAccuracyAndSaysSo()
    {
        var problem = InferenceTestKit.FarOutsideLogistic(2);
        var outcome = AfinInference.Run(_model, problem, InferenceMode.Auto, InferenceTestKit.QuickNuts);
        Log(outcome);

        Assert.AreNotEqual(InferenceMethod.Amortized, outcome.Method, outcome.Reason);
        StringAssert.Contains(outcome.Reason, "outside the model's training range");
        Assert.IsFalse(outcome.InTrainingRange);
        Assert.IsTrue(outcome.OutOfRangeReasons.Any(r => r.StartsWith("d = 16")), string.Join("; ", outcome.OutOfRangeReasons));
        Assert.IsTrue(outcome.OutOfRangeReasons.Any(r => r.StartsWith("N = 160")));
        // The shipped model works in Laplace coordinates, where the design's scale is no reason to be out of range.
        Assert.IsFalse(outcome.OutOfRangeReasons.Any(r => r.Contains("design rows")), string.Join("; ", outcome.OutOfRangeReasons));

        var plain = NutsSampler.Sample(problem.LogDensity(), new NutsOptions { Seed = 99 });
        var sd = plain.Variance.Select(Math.Sqrt).ToArray();
        double error = InferenceTestKit.MeanError(outcome.Mean, plain.Mean, sd);
        TestContext.WriteLine($"NUTS 4 x 1000: max r-hat {plain.RHat.Max():F3}, min ess {plain.BulkEss.Min():F0}; max |auto - NUTS| / sd = {error:F3}");
        Assert.IsLessThan(0.15, error);
    }

    [TestMethod]
    public void ProblemTheNetworkCannotReachSkipsTheForwardPass()
    {
        // The shipped network, claimed to be trained on linear-Gaussian sites only, so that a logistic problem is unseen.
        var narrow = _model.WithTasks(_model.Tasks with { LikelihoodFamilies = ["linear_gaussian"] });
        var problem = InferenceTestKit.SmallLogistic(3);
        var (mean, sd) = InferenceTestKit.GridMoments(problem);

        Assert.IsFalse(AfinInference.NeedsNetwork(narrow, problem, InferenceMode.Auto));
        Assert.IsTrue(AfinInference.NeedsNetwork(narrow, problem, InferenceMode.Amortized));
        foreach (var mode in new[] { InferenceMode.Auto, InferenceMode.Corrected })
        {
            var outcome = AfinInference.Run(narrow, problem, mode, InferenceTestKit.QuickNuts);
            Log(outcome);
            Assert.IsNull(outcome.Amortized, $"{mode}: the network must not run");
            Assert.AreEqual(TimeSpan.Zero, outcome.Timings.Amortized);
            Assert.AreEqual(ImportanceProposal.LaplaceStudentT, outcome.Proposal, outcome.Reason);
            StringAssert.Contains(outcome.Reason, "so far that the network was not run");
            Assert.IsLessThan(0.1, InferenceTestKit.MeanError(outcome.Mean, mean, sd), mode.ToString());
            var viaDecide = AfinInference.Decide(narrow, problem, null, mode, InferenceTestKit.QuickNuts);
            CollectionAssert.AreEqual(outcome.Mean, viaDecide.Mean, mode.ToString());
        }
    }

    [TestMethod]
    public void ConjugateProblemsAreAnsweredExactlyInEveryModeButAmortized()
    {
        var problem = InferenceTestKit.EasyConjugate(10, d: 5, sites: 30);
        var exact = ExactPosterior.Compute(problem);
        foreach (var mode in new[] { InferenceMode.Auto, InferenceMode.Corrected, InferenceMode.Laplace })
        {
            Assert.IsFalse(AfinInference.NeedsNetwork(_model, problem, mode), mode.ToString());
            var outcome = AfinInference.Run(_model, problem, mode);
            var decided = AfinInference.Decide(_model, problem, null, mode);
            if (mode == InferenceMode.Laplace)
            {
                // Laplace mode answers with the Laplace approximation, which is exact for a conjugate problem.
                Assert.AreEqual(InferenceMethod.Laplace, outcome.Method);
                Assert.AreEqual(0, InferenceTestKit.MeanError(outcome.Mean, exact), 1e-8);
                continue;
            }
            Assert.AreEqual(InferenceMethod.Exact, outcome.Method, mode.ToString());
            Assert.AreEqual(InferenceMethod.Exact, decided.Method, mode.ToString());
            StringAssert.Contains(outcome.Reason, "exact posterior is returned in closed form");
            Assert.IsNull(outcome.Amortized);
            Assert.IsNotNull(outcome.Exact);
            Assert.IsTrue(double.IsNaN(outcome.ParetoK));
            for (int i = 0; i < problem.Dimension; i++)
            {
                Assert.AreEqual(exact.Mean[i], outcome.Mean[i], 1e-12, $"{mode}, mean {i}");
                for (int j = 0; j < problem.Dimension; j++)
                {
                    Assert.AreEqual(exact.Covariance[i, j], outcome.Covariance[i, j], 1e-12, $"{mode}, covariance {i},{j}");
                }
            }
        }
        var amortized = AfinInference.Run(_model, problem, InferenceMode.Amortized);
        Assert.AreEqual(InferenceMethod.Amortized, amortized.Method);
        Assert.IsTrue(AfinInference.NeedsNetwork(_model, problem, InferenceMode.Amortized));
    }

    [TestMethod]
    public void AmortizedModeReturnsTheAfinPosteriorWithAQuickCheckReported()
    {
        var problem = InferenceTestKit.SmallLogistic(4);
        var outcome = AfinInference.Run(_model, problem, InferenceMode.Amortized);

        Assert.AreEqual(InferenceMethod.Amortized, outcome.Method);
        StringAssert.StartsWith(outcome.Reason, "Amortized mode: the AFIN posterior is returned without correction; a quick importance check of 250 draws gives k-hat");
        Assert.IsNull(outcome.Nuts);
        Assert.AreEqual(250, outcome.ImportanceSampling!.DrawCount);
        Assert.AreEqual(ImportanceProposal.Afin, outcome.Proposal);
        Assert.IsFalse(double.IsNaN(outcome.ParetoK));
        var direct = _model.Infer(problem);
        for (int i = 0; i < problem.Dimension; i++)
        {
            Assert.AreEqual(direct.Mean[i], outcome.Mean[i], 1e-9);
            Assert.AreEqual(Math.Sqrt(direct.Covariance[i, i]), outcome.StdDev[i], 1e-9);
        }

        var unchecked_ = AfinInference.Run(_model, problem, InferenceMode.Amortized, new AutoInferenceOptions { AmortizedCheckDraws = 0 });
        Assert.IsNull(unchecked_.ImportanceSampling);
        Assert.IsTrue(double.IsNaN(unchecked_.ParetoK));
        StringAssert.Contains(unchecked_.Reason, "quick importance check is turned off");
        CollectionAssert.AreEqual(outcome.Mean, unchecked_.Mean);
    }

    [TestMethod]
    public void AmortizedModeWarnsWhenTheQuickCheckFindsAPoorPosterior()
    {
        var problem = InferenceTestKit.SmallLogistic(5);
        var (mean, sd) = InferenceTestKit.GridMoments(problem);
        var narrow = InferenceTestKit.Placed(mean, sd, shiftInSd: 3, scale: 0.1);
        var outcome = AfinInference.Decide(_model, problem, narrow, InferenceMode.Amortized);

        Assert.AreEqual(InferenceMethod.Amortized, outcome.Method);
        Assert.IsGreaterThan(0.7, outcome.ParetoK);
        StringAssert.Contains(outcome.Reason, "flagged: k-hat above 0.70, the AFIN posterior is far from the exact one");
        Assert.IsTrue(outcome.Flagged);
        Assert.IsFalse(outcome.Check!.Clears);
    }

    [TestMethod]
    [DataRow(0.0, false)]
    [DataRow(0.6, true)]
    public void AmortizedModesCheckEstimatesTheMeanErrorAndFlagsAnAnswerItCannotBoundBelowHalfAnSd(double shiftInSd, bool flagged)
    {
        // q at the exact moments (from a 401 x 401 quadrature), moved by shiftInSd sds along both coordinates, sds 10% wide:
        // weights that PSIS trusts, so only the estimated mean error can tell the two apart.
        var problem = InferenceTestKit.SmallLogistic(5);
        var (mean, sd) = InferenceTestKit.GridMoments(problem);
        var q = InferenceTestKit.Placed(mean, sd, shiftInSd, scale: 1.1);
        var outcome = AfinInference.Decide(_model, problem, q, InferenceMode.Amortized, new AutoInferenceOptions { Seed = 3 });
        TestContext.WriteLine(outcome.Reason);

        var check = outcome.Check!;
        Assert.IsLessThan(0.7, check.ParetoK);
        Assert.AreEqual(shiftInSd, check.MeanError, 0.15, "the check's estimate of the AFIN mean's error, in sds");
        Assert.IsTrue(check.MeanErrorLowerBound <= shiftInSd && shiftInSd <= check.MeanErrorUpperBound,
            $"{shiftInSd} within [{check.MeanErrorLowerBound}, {check.MeanErrorUpperBound}]");
        Assert.AreEqual(flagged, outcome.Flagged, outcome.Reason);
        Assert.AreEqual(!flagged, check.Clears);
    }

    [TestMethod]
    public void AnAmortizedAnswerOutsideTheTrainingRangeIsFlaggedUnlessTheCheckBoundsItsError()
    {
        // The shipped network, claimed to be trained on d = 1 only, so that a d = 2 problem is out of range.
        var narrow = _model.WithTasks(_model.Tasks with { MaxDimension = 1 });
        var problem = InferenceTestKit.SmallLogistic(5);
        var (mean, sd) = InferenceTestKit.GridMoments(problem);
        var good = InferenceTestKit.Placed(mean, sd, shiftInSd: 0, scale: 1.1);

        var vouched = AfinInference.Decide(narrow, problem, good, InferenceMode.Amortized, new AutoInferenceOptions { Seed = 3 });
        Assert.IsFalse(vouched.InTrainingRange);
        Assert.IsTrue(vouched.Check!.Clears, vouched.Reason);
        Assert.IsFalse(vouched.Flagged, vouched.Reason);
        StringAssert.Contains(vouched.Reason, "not flagged: outside the training range, but the check bounds the error");

        var unchecked_ = AfinInference.Decide(narrow, problem, good, InferenceMode.Amortized, new AutoInferenceOptions { AmortizedCheckDraws = 0 });
        Assert.IsNull(unchecked_.Check);
        Assert.IsTrue(unchecked_.Flagged, "without the check nothing vouches for an answer outside the range");
        var inRange = AfinInference.Decide(_model, problem, good, InferenceMode.Amortized, new AutoInferenceOptions { AmortizedCheckDraws = 0 });
        Assert.IsFalse(inRange.Flagged);
        Assert.IsFalse(AfinInference.Decide(_model, problem, good, InferenceMode.Auto).Flagged, "only Amortized answers are flagged");
    }

    [TestMethod]
    public void EachAutoTierIsTakenWhenItsBarIsMet()
    {
        var problem = InferenceTestKit.SmallLogistic(6);

        var lenient = AfinInference.Run(_model, problem, InferenceMode.Auto,
            new AutoInferenceOptions { AmortizedMaxParetoK = 10, AmortizedMinEssRatio = 0, AmortizedMaxMeanShift = 1e9, CorrectedMaxParetoK = 10, MaxMonteCarloError = 10 });
        Assert.AreEqual(InferenceMethod.Amortized, lenient.Method, lenient.Reason);
        StringAssert.Contains(lenient.Reason, "returned as is");
        Assert.IsNotNull(lenient.ImportanceSampling);

        var strict = AfinInference.Run(_model, problem, InferenceMode.Auto, new AutoInferenceOptions { AmortizedMinEssRatio = 1 });
        Assert.AreEqual(InferenceMethod.ImportanceSampling, strict.Method, strict.Reason);

        // Every bar but the mean shift passes: the correction moves the mean by more than Monte Carlo noise, so it is returned.
        var shifted = AfinInference.Run(_model, problem, InferenceMode.Auto,
            new AutoInferenceOptions { AmortizedMaxParetoK = 10, AmortizedMinEssRatio = 0, AmortizedMaxMeanShift = 1e-6, CorrectedMaxParetoK = 10, MaxMonteCarloError = 10 });
        Assert.AreEqual(InferenceMethod.ImportanceSampling, shifted.Method, shifted.Reason);
        StringAssert.Contains(shifted.Reason, "Monte Carlo standard errors");

        var hopeless = AfinInference.Run(_model, problem, InferenceMode.Auto, InferenceTestKit.QuickNuts with { AmortizedMinEssRatio = 1, CorrectedMinEss = 1e9 });
        Assert.AreEqual(InferenceMethod.Nuts, hopeless.Method, hopeless.Reason);
        StringAssert.Contains(hopeless.Reason, "ESS >= 1000000000");
        Assert.IsNotNull(hopeless.NutsSummary);
        var (mean, sd) = InferenceTestKit.GridMoments(problem);
        Assert.IsLessThan(0.3, InferenceTestKit.MeanError(hopeless.Mean, mean, sd));
    }

    [TestMethod]
    public void OutOfRangeProblemIsAtLeastCorrectedUnlessAllowed()
    {
        // The shipped network, claimed to be trained on d = 1 only, so that a d = 2 problem is out of range (but within
        // reach); its answer is placed by hand at the exact moments (sds 10% wide), so that only the range decides.
        var narrow = _model.WithTasks(_model.Tasks with { MaxDimension = 1 });
        var problem = InferenceTestKit.SmallLogistic(7);
        var (mean, sd) = InferenceTestKit.GridMoments(problem);
        var q = InferenceTestKit.Placed(mean, sd, shiftInSd: 0, scale: 1.1);
        var lenient = new AutoInferenceOptions { AmortizedMaxParetoK = 10, AmortizedMinEssRatio = 0, AmortizedMaxMeanShift = 1e9, CorrectedMaxParetoK = 10, MaxMonteCarloError = 10 };

        var guarded = AfinInference.Decide(narrow, problem, q, InferenceMode.Auto, lenient);
        Assert.AreEqual(InferenceMethod.ImportanceSampling, guarded.Method, guarded.Reason);
        StringAssert.Contains(guarded.Reason, "the problem lies outside the training range");
        CollectionAssert.AreEqual(new[] { "d = 2 is outside the training range 1..1" }, guarded.OutOfRangeReasons.ToArray());

        var allowed = AfinInference.Decide(narrow, problem, q, InferenceMode.Auto, lenient with { RequireCorrectionOutOfRange = false });
        Assert.AreEqual(InferenceMethod.Amortized, allowed.Method, allowed.Reason);
        StringAssert.Contains(allowed.Reason, "outside the model's training range (d = 2");
    }

    [TestMethod]
    public void BatchGivesTheSameOutcomesAsOneByOne()
    {
        BayesianProblem[] problems = [InferenceTestKit.SmallLogistic(8), InferenceTestKit.EasyConjugate(7, d: 2, sites: 5), InferenceTestKit.SmallLogistic(9, sites: 12)];
        var batch = AfinInference.Run(_model, problems, InferenceMode.Auto);
        Assert.HasCount(problems.Length, batch);
        Assert.AreEqual(InferenceMethod.Exact, batch[1].Method);
        for (int p = 0; p < problems.Length; p++)
        {
            var single = AfinInference.Run(_model, problems[p], InferenceMode.Auto);
            Assert.AreEqual(single.Method, batch[p].Method, $"problem {p}");
            Assert.AreEqual(single.Proposal, batch[p].Proposal, $"problem {p}");
            if (!double.IsNaN(single.ParetoK))
            {
                Assert.AreEqual(single.ParetoK, batch[p].ParetoK, 1e-3, $"problem {p}");
            }
            for (int i = 0; i < problems[p].Dimension; i++)
            {
                Assert.AreEqual(single.Mean[i], batch[p].Mean[i], 1e-4 * single.StdDev[i], $"problem {p}, coordinate {i}");
            }
        }
        Assert.HasCount(0, AfinInference.Run(_model, [], InferenceMode.Auto));
    }

    [TestMethod]
    public void SampleDrawsFromTheReturnedPosterior()
    {
        foreach (var (mode, problem) in new[] { (InferenceMode.Amortized, InferenceTestKit.SmallLogistic(10)), (InferenceMode.Corrected, InferenceTestKit.SmallLogistic(10)), (InferenceMode.Auto, InferenceTestKit.EasyConjugate(9)) })
        {
            var outcome = AfinInference.Run(_model, problem, mode);
            var draws = outcome.Sample(4000, 1);
            Assert.AreEqual(4000, draws.GetLength(0));
            Assert.AreEqual(problem.Dimension, draws.GetLength(1));
            for (int i = 0; i < problem.Dimension; i++)
            {
                double mean = Enumerable.Range(0, 4000).Average(s => draws[s, i]);
                Assert.AreEqual(outcome.Mean[i], mean, 0.1 * outcome.StdDev[i], $"{mode}, coordinate {i}");
            }
        }
    }

    [TestMethod]
    [DataRow("ProposalDraws")]
    [DataRow("AmortizedMaxParetoK")]
    [DataRow("AmortizedMinEssRatio")]
    [DataRow("AmortizedMaxMeanShift")]
    [DataRow("CorrectedMaxParetoK")]
    [DataRow("CorrectedMinEss")]
    [DataRow("MaxMonteCarloError")]
    [DataRow("MaxProposalDraws")]
    [DataRow("LaplaceProposalDegreesOfFreedom")]
    [DataRow("FallbackWarmup")]
    [DataRow("AmortizedCheckDraws")]
    [DataRow("Nuts")]
    public void InvalidOptionIsNamed(string option)
    {
        var options = option switch
        {
            "ProposalDraws" => new AutoInferenceOptions { ProposalDraws = 24 },
            "AmortizedMaxParetoK" => new AutoInferenceOptions { AmortizedMaxParetoK = double.NaN },
            "AmortizedMinEssRatio" => new AutoInferenceOptions { AmortizedMinEssRatio = 1.5 },
            "AmortizedMaxMeanShift" => new AutoInferenceOptions { AmortizedMaxMeanShift = 0 },
            "CorrectedMaxParetoK" => new AutoInferenceOptions { CorrectedMaxParetoK = double.PositiveInfinity },
            "CorrectedMinEss" => new AutoInferenceOptions { CorrectedMinEss = -1 },
            "MaxMonteCarloError" => new AutoInferenceOptions { MaxMonteCarloError = 0 },
            "MaxProposalDraws" => new AutoInferenceOptions { MaxProposalDraws = 1999 },
            "LaplaceProposalDegreesOfFreedom" => new AutoInferenceOptions { LaplaceProposalDegreesOfFreedom = double.PositiveInfinity },
            "AmortizedCheckDraws" => new AutoInferenceOptions { AmortizedCheckDraws = 10 },
            "FallbackWarmup" => new AutoInferenceOptions { FallbackWarmup = 0 },
            _ => new AutoInferenceOptions { Nuts = null! },
        };
        var exception = Assert.Throws<ArgumentException>(() => AfinInference.Run(_model, InferenceTestKit.SmallLogistic(1), InferenceMode.Auto, options));
        Assert.AreEqual(option, exception.ParamName);
        Assert.Contains($"AutoInferenceOptions.{option}", exception.Message);

        var badNuts = Assert.Throws<ArgumentException>(() =>
            AfinInference.Run(_model, InferenceTestKit.SmallLogistic(1), InferenceMode.Auto, new AutoInferenceOptions { Nuts = new NutsOptions { Chains = 0 } }));
        Assert.AreEqual("Chains", badNuts.ParamName);
    }

    [TestMethod]
    public void CancelledTokenStopsTheRun()
    {
        using var source = new CancellationTokenSource();
        source.Cancel();
        Assert.Throws<OperationCanceledException>(() =>
            AfinInference.Run(_model, InferenceTestKit.EasyConjugate(1), InferenceMode.Auto, cancellationToken: source.Token));
    }

    private void Log(InferenceOutcome outcome)
    {
        TestContext.WriteLine($"{outcome.Method}: {outcome.Reason}");
        TestContext.WriteLine($"timings: afin {outcome.Timings.Amortized.TotalMilliseconds:F1} ms, IS {outcome.Timings.ImportanceSampling.TotalMilliseconds:F1} ms, NUTS {outcome.Timings.Nuts.TotalMilliseconds:F1} ms");
    }
}
