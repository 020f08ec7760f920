using Afin.Inference;
using Afin.Modelling;
using Afin.Persistence;
using Afin.References;

namespace Afin.Tests.Inference;

/// <summary>The safety net with the shipped model: each mode, each tier of Auto, and the batch overload.</summary>
[TestClass]
public sealed class AfinInferenceTests
{
    /// <summary>A short NUTS fallback: enough for means to a few hundredths of a posterior sd, fast enough for a test.</summary>
    private static readonly AutoInferenceOptions QuickNuts = new() { Nuts = new NutsOptions { Draws = 300, Warmup = 300, Chains = 2 } };

    private static AfinModel _model = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static void LoadModel(TestContext context) => _model = AfinModel.LoadDefault();

    [ClassCleanup]
    public static void DisposeModel() => _model.Dispose();

    [TestMethod]
    public void AutoKeepsAfinOrCorrectsItOnAnEasyInRangeProblem()
    {
        var problem = InferenceTestKit.EasyConjugate(1);
        var exact = ExactPosterior.Compute(problem);
        var outcome = AfinInference.Run(_model, problem, InferenceMode.Auto, QuickNuts);
        Log(outcome);

        Assert.AreNotEqual(InferenceMethod.Nuts, outcome.Method, outcome.Reason);
        Assert.IsTrue(outcome.InTrainingRange, string.Join("; ", outcome.OutOfRangeReasons));
        Assert.IsNull(outcome.Nuts);
        Assert.IsLessThan(0.7, outcome.ParetoK);
        Assert.IsLessThan(0.25, InferenceTestKit.MeanError(outcome.Mean, exact));
        StringAssert.StartsWith(outcome.Reason, "Auto: the ");
        StringAssert.Contains(outcome.Reason, "k-hat");
        Assert.IsGreaterThan(TimeSpan.Zero, outcome.Timings.ImportanceSampling);
        Assert.AreEqual(TimeSpan.Zero, outcome.Timings.Nuts);
    }

    [TestMethod]
    public void AutoFallsBackOnNutsFarOutsideTheTrainingRangeAndSaysSo()
    {
        var problem = InferenceTestKit.FarOutsideLogistic(2);
        var outcome = AfinInference.Run(_model, problem, InferenceMode.Auto, QuickNuts);
        Log(outcome);

        Assert.AreEqual(InferenceMethod.Nuts, outcome.Method, outcome.Reason);
        StringAssert.StartsWith(outcome.Reason, "Auto: NUTS");
        StringAssert.Contains(outcome.Reason, "outside the model's training range");
        StringAssert.Contains(outcome.Reason, "started at the AFIN mean");
        Assert.IsFalse(outcome.InTrainingRange);
        Assert.IsTrue(outcome.OutOfRangeReasons.Any(r => r.StartsWith("d = 12")), string.Join("; ", outcome.OutOfRangeReasons));
        Assert.IsTrue(outcome.OutOfRangeReasons.Any(r => r.StartsWith("N = 120")));
        // The shipped model works in Laplace coordinates, where the design's scale is no reason to be out of range.
        Assert.IsFalse(outcome.OutOfRangeReasons.Any(r => r.Contains("design rows")), string.Join("; ", outcome.OutOfRangeReasons));
        Assert.IsNotNull(outcome.NutsSummary);
        Assert.IsGreaterThan(TimeSpan.Zero, outcome.Timings.Nuts);

        var plain = NutsSampler.Sample(problem.LogDensity(), QuickNuts.Nuts with { Seed = 99 });
        var sd = plain.Variance.Select(Math.Sqrt).ToArray();
        double error = InferenceTestKit.MeanError(outcome.Mean, plain.Mean, sd);
        TestContext.WriteLine($"plain NUTS: max r-hat {plain.RHat.Max():F3}, min ess {plain.BulkEss.Min():F0}; max |auto - plain| / sd = {error:F3}");
        Assert.IsLessThan(0.5, error);
    }

    [TestMethod]
    public void CorrectedModeIsAsCloseToExactAsAfinUpToItsMonteCarloError()
    {
        var problems = Enumerable.Range(10, 6).Select(seed => InferenceTestKit.EasyConjugate(seed, d: 5, sites: 30)).ToArray();
        var outcomes = AfinInference.Run(_model, problems, InferenceMode.Corrected);
        // The shipped model is within a few thousandths of a posterior sd of these conjugate posteriors, so the
        // correction can only add its Monte Carlo error: it must stay within that.
        for (int i = 0; i < problems.Length; i++)
        {
            var exact = ExactPosterior.Compute(problems[i]);
            var outcome = outcomes[i];
            double afin = InferenceTestKit.MeanError(outcome.Amortized!.Mean, exact);
            double snis = InferenceTestKit.MeanError(outcome.Mean, exact);
            // The Monte Carlo error of a weighted mean, in posterior standard deviations.
            double mcse = 1 / Math.Sqrt(outcome.EffectiveSampleSize);
            TestContext.WriteLine($"problem {i}: AFIN error {afin:F3}, SNIS error {snis:F3} (mcse {mcse:F3}); {outcome.Reason}");
            Assert.AreEqual(InferenceMethod.ImportanceSampling, outcome.Method);
            StringAssert.StartsWith(outcome.Reason, "Corrected mode: ");
            Assert.IsLessThan(afin + 4 * mcse, snis, $"problem {i}");
        }
    }

    [TestMethod]
    public void AmortizedModeReturnsTheAfinPosteriorUnchecked()
    {
        var problem = InferenceTestKit.EasyConjugate(3);
        var outcome = AfinInference.Run(_model, problem, InferenceMode.Amortized);

        Assert.AreEqual(InferenceMethod.Amortized, outcome.Method);
        StringAssert.StartsWith(outcome.Reason, "Amortized mode: ");
        Assert.IsNull(outcome.ImportanceSampling);
        Assert.IsNull(outcome.Nuts);
        Assert.IsTrue(double.IsNaN(outcome.ParetoK));
        Assert.IsTrue(double.IsNaN(outcome.EffectiveSampleSize));
        Assert.IsTrue(double.IsNaN(outcome.EffectiveSampleSizeRatio));
        Assert.AreEqual(TimeSpan.Zero, outcome.Timings.ImportanceSampling);
        var direct = _model.Infer(problem);
        for (int i = 0; i < problem.Dimension; i++)
        {
            Assert.AreEqual(direct.Mean[i], outcome.Mean[i], 1e-9);
            Assert.AreEqual(Math.Sqrt(direct.Covariance[i, i]), outcome.StdDev[i], 1e-9);
        }
    }

    [TestMethod]
    public void EachAutoTierIsTakenWhenItsBarIsMet()
    {
        var problem = InferenceTestKit.EasyConjugate(4);

        var lenient = AfinInference.Run(_model, problem, InferenceMode.Auto, new AutoInferenceOptions { AmortizedMaxParetoK = 10, AmortizedMinEssRatio = 0, AmortizedMaxMeanShift = 1e9 });
        Assert.AreEqual(InferenceMethod.Amortized, lenient.Method, lenient.Reason);
        StringAssert.Contains(lenient.Reason, "returned as is");
        Assert.IsNotNull(lenient.ImportanceSampling);

        var strict = AfinInference.Run(_model, problem, InferenceMode.Auto, new AutoInferenceOptions { AmortizedMinEssRatio = 1 });
        Assert.AreEqual(InferenceMethod.ImportanceSampling, strict.Method, strict.Reason);
        StringAssert.Contains(strict.Reason, "< 1.00");

        // Every bar but the mean shift passes: the correction moves the mean by more than Monte Carlo noise, so it is returned.
        var shifted = AfinInference.Run(_model, problem, InferenceMode.Auto, new AutoInferenceOptions { AmortizedMaxParetoK = 10, AmortizedMinEssRatio = 0, AmortizedMaxMeanShift = 1e-6 });
        Assert.AreEqual(InferenceMethod.ImportanceSampling, shifted.Method, shifted.Reason);
        StringAssert.Contains(shifted.Reason, "Monte Carlo standard errors");

        var hopeless = AfinInference.Run(_model, problem, InferenceMode.Auto, QuickNuts with { AmortizedMinEssRatio = 1, CorrectedMinEss = 1e9 });
        Assert.AreEqual(InferenceMethod.Nuts, hopeless.Method, hopeless.Reason);
        StringAssert.Contains(hopeless.Reason, "ESS >= 1000000000");
        Assert.IsNotNull(hopeless.NutsSummary);
        var exact = ExactPosterior.Compute(problem);
        Assert.IsLessThan(0.3, InferenceTestKit.MeanError(hopeless.Mean, exact));
    }

    [TestMethod]
    public void OutOfRangeProblemIsAtLeastCorrectedUnlessAllowed()
    {
        // The shipped network, claimed to be trained up to d = 2 only, so that an easy d = 3 problem is out of range.
        var narrow = new AfinModel(_model.Network, _model.Tasks with { MaxDimension = 2 });
        var problem = InferenceTestKit.EasyConjugate(5);
        var lenient = new AutoInferenceOptions { AmortizedMaxParetoK = 10, AmortizedMinEssRatio = 0, AmortizedMaxMeanShift = 1e9 };

        var guarded = AfinInference.Run(narrow, problem, InferenceMode.Auto, lenient);
        Assert.AreEqual(InferenceMethod.ImportanceSampling, guarded.Method, guarded.Reason);
        StringAssert.Contains(guarded.Reason, "the problem lies outside the training range");
        CollectionAssert.AreEqual(new[] { "d = 3 is outside the training range 1..2" }, guarded.OutOfRangeReasons.ToArray());

        var allowed = AfinInference.Run(narrow, problem, InferenceMode.Auto, lenient with { RequireCorrectionOutOfRange = false });
        Assert.AreEqual(InferenceMethod.Amortized, allowed.Method, allowed.Reason);
        StringAssert.Contains(allowed.Reason, "outside the model's training range (d = 3");
    }

    [TestMethod]
    public void BatchGivesTheSameOutcomesAsOneByOne()
    {
        BayesianProblem[] problems = [InferenceTestKit.EasyConjugate(6), InferenceTestKit.EasyConjugate(7, d: 2, sites: 5), InferenceTestKit.EasyConjugate(8, d: 6, sites: 40)];
        var batch = AfinInference.Run(_model, problems, InferenceMode.Auto);
        Assert.HasCount(problems.Length, batch);
        for (int p = 0; p < problems.Length; p++)
        {
            var single = AfinInference.Run(_model, problems[p], InferenceMode.Auto);
            Assert.AreEqual(single.Method, batch[p].Method, $"problem {p}");
            Assert.AreEqual(single.ParetoK, batch[p].ParetoK, 1e-3, $"problem {p}");
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
        var problem = InferenceTestKit.EasyConjugate(9);
        foreach (var mode in new[] { InferenceMode.Amortized, InferenceMode.Corrected })
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
            _ => new AutoInferenceOptions { Nuts = null! },
        };
        var exception = Assert.Throws<ArgumentException>(() => AfinInference.Run(_model, InferenceTestKit.EasyConjugate(1), InferenceMode.Auto, options));
        Assert.AreEqual(option, exception.ParamName);
        Assert.Contains($"AutoInferenceOptions.{option}", exception.Message);

        var badNuts = Assert.Throws<ArgumentException>(() =>
            AfinInference.Run(_model, InferenceTestKit.EasyConjugate(1), InferenceMode.Auto, new AutoInferenceOptions { Nuts = new NutsOptions { Chains = 0 } }));
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
