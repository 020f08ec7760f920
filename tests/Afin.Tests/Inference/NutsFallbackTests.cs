using Afin.Inference;
using Afin.Persistence;
using Afin.References;

namespace Afin.Tests.Inference;

/// <summary>Auto's NUTS fallback: a short warmup from the approximation, and draws until the Monte Carlo error bar is met.</summary>
[TestClass]
public sealed class NutsFallbackTests
{
    private static AfinModel _model = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static void LoadModel(TestContext context) => _model = AfinModel.LoadDefault();

    /// <summary>Importance sampling can never be accepted (an ESS of 10⁹ is asked for), so Auto always runs NUTS.</summary>
    private static readonly AutoInferenceOptions ForcedNuts = new() { AmortizedMinEssRatio = 1, CorrectedMinEss = 1e9 };

    [TestMethod]
    public void FallbackStopsAsSoonAsEveryMeanMeetsTheMonteCarloBar()
    {
        var problem = InferenceTestKit.SmallLogistic(3);
        var outcome = AfinInference.Run(_model, problem, InferenceMode.Auto, ForcedNuts);
        TestContext.WriteLine(outcome.Reason);

        Assert.AreEqual(InferenceMethod.Nuts, outcome.Method, outcome.Reason);
        var nuts = outcome.Nuts!;
        // Started at the approximation, the warmup is FallbackWarmup's; in whitened coordinates half of it.
        bool whitened = outcome.Reason.Contains("whitened", StringComparison.Ordinal);
        Assert.AreEqual(whitened ? 150 : 300, nuts.Options.Warmup, outcome.Reason);
        Assert.IsLessThan(1000, nuts.DrawsPerChain, "a well-mixing d = 2 posterior needs far fewer than Stan's 1000 draws per chain");
        double bar = ForcedNuts.MonteCarloBar(2);
        for (int i = 0; i < 2; i++)
        {
            Assert.IsLessThanOrEqualTo(bar, nuts.MeanMcse[i] / Math.Sqrt(nuts.Variance[i]), $"coordinate {i}");
        }
        StringAssert.Contains(outcome.Reason, $"{nuts.Options.Warmup} warmup + {nuts.DrawsPerChain} draws");
        var (mean, sd) = InferenceTestKit.GridMoments(problem);
        Assert.IsLessThan(0.15, InferenceTestKit.MeanError(outcome.Mean, mean, sd));
    }

    [TestMethod]
    public void CorrelatedPosteriorRunsWhitenedWithHalfTheWarmupAndStaysAccurate()
    {
        // An intercept beside a feature centred at 3: intercept and slope are strongly anti-correlated, so the fallback
        // runs in the coordinates the approximation's covariance whitens, with half of FallbackWarmup.
        var rng = new Random(8);
        var x = new double[60, 2];
        for (int n = 0; n < 60; n++)
        {
            x[n, 0] = 1;
            x[n, 1] = 3 + 0.7 * TestProblems.Normal(rng);
        }
        var y = Enumerable.Range(0, 60).Select(n => rng.NextDouble() < 1 / (1 + Math.Exp(-(-2.0 + 0.6 * x[n, 1]))) ? 1.0 : 0.0).ToArray();
        var problem = Afin.Modelling.BayesianProblem.Create(new Afin.Modelling.GaussianPrior(0, 2), [new Afin.Modelling.BernoulliLogitBlock(x, y)], 2);

        var outcome = AfinInference.Run(_model, problem, InferenceMode.Auto, ForcedNuts);

        Assert.AreEqual(InferenceMethod.Nuts, outcome.Method, outcome.Reason);
        StringAssert.Contains(outcome.Reason, "whitened");
        Assert.AreEqual(150, outcome.Nuts!.Options.Warmup);
        var (mean, sd) = InferenceTestKit.GridMoments(problem);
        Assert.IsLessThan(0.15, InferenceTestKit.MeanError(outcome.Mean, mean, sd));
        for (int i = 0; i < 2; i++)
        {
            Assert.AreEqual(sd[i], Math.Sqrt(outcome.Covariance[i, i]), 0.1 * sd[i], $"sd {i}");
        }
    }

    [TestMethod]
    public void FallbackDrawsUpToNutsDrawsWhenTheBarAsksForMore()
    {
        // A bar of 0.005 sd needs about 40,000 effective draws: more than 4 x 600, so the fallback stops at the cap.
        var options = ForcedNuts with { MaxMonteCarloError = 0.005, Nuts = new NutsOptions { Draws = 600 } };
        var outcome = AfinInference.Run(_model, InferenceTestKit.SmallLogistic(4), InferenceMode.Auto, options);

        Assert.AreEqual(InferenceMethod.Nuts, outcome.Method, outcome.Reason);
        Assert.AreEqual(600, outcome.Nuts!.DrawsPerChain);
    }

    [TestMethod]
    public void MonteCarloBarTightensWithTheDimension()
    {
        var options = new AutoInferenceOptions();
        for (int d = 1; d <= 4; d++)
        {
            Assert.AreEqual(0.05, options.MonteCarloBar(d), 1e-15, $"d = {d}");
        }
        // With every coordinate at the bar, P(|error| > 0.1 sd) = 0.2 / d for each, so at most 0.2 for the largest.
        foreach (int d in new[] { 5, 10, 60 })
        {
            double tail = 2 * (1 - MathNet.Numerics.Distributions.Normal.CDF(0, 1, 0.1 / options.MonteCarloBar(d)));
            Assert.AreEqual(0.2 / d, tail, 1e-9, $"d = {d}");
        }
        Assert.AreEqual(0.0341, options.MonteCarloBar(60), 1e-4);
        Assert.AreEqual(0.02 * 0.0341 / 0.05, (options with { MaxMonteCarloError = 0.02 }).MonteCarloBar(60), 1e-4);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => options.MonteCarloBar(0));
    }
}
