using Afin.Modelling;
using Afin.References;

namespace Afin.Tests.References;

[TestClass]
public sealed class NutsSamplerTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow(1)]
    [DataRow(5)]
    [DataRow(16)]
    public void CorrelatedGaussianMomentsMatch(int d)
    {
        var target = CorrelatedGaussianDensity.Create(d);
        var result = NutsSampler.Sample(target, new NutsOptions { Draws = 2000, Seed = 11 });

        Log(result);
        Assert.AreEqual(0, result.Divergences);
        var covariance = result.GetCovariance();
        for (int i = 0; i < d; i++)
        {
            double sd = Math.Sqrt(target.Covariance[i, i]);
            Assert.IsLessThan(1.01, result.RHat[i], $"R-hat of coordinate {i}");
            AssertWithinMcse(target.Mean[i], result, i);
            AssertRelative(target.Covariance[i, i], result.Variance[i], 0.10, $"variance of coordinate {i}");
            // The adapted metric is a variance estimate from a few hundred warmup draws.
            for (int c = 0; c < result.Chains; c++)
            {
                double ratio = result.InverseMetrics[c][i] / target.Covariance[i, i];
                Assert.IsTrue(ratio > 0.5 && ratio < 2, $"chain {c} inverse metric {i} is {ratio:F2} x the variance");
            }
            for (int j = 0; j < i; j++)
            {
                double scale = sd * Math.Sqrt(target.Covariance[j, j]);
                Assert.AreEqual(target.Covariance[i, j] / scale, covariance[i, j] / scale, 0.05, $"correlation ({i}, {j})");
            }
        }
        for (int c = 0; c < result.Chains; c++)
        {
            // Dual averaging hits the 0.8 target on average over warmup, but the final step size is
            // an average over the short terminal buffer and comes out a little small, so (as in
            // Stan) the realised acceptance is typically 0.8 to 0.95.
            Assert.IsTrue(result.MeanAcceptance[c] > 0.75 && result.MeanAcceptance[c] < 0.97, $"chain {c} mean acceptance {result.MeanAcceptance[c]:F3}");
        }
    }

    [TestMethod]
    public void OneDimensionalLogisticRegressionMatchesQuadrature()
    {
        var target = LogisticRegressionDensity.Simulate(40, [1.2], intercept: false, seed: 3);
        // Trapezoid rule on a wide, fine grid: the posterior sd is about 0.4.
        const int points = 20001;
        double lo = -8, hi = 10, h = (hi - lo) / (points - 1);
        var logDensity = new double[points];
        double max = double.NegativeInfinity;
        for (int k = 0; k < points; k++)
        {
            logDensity[k] = target.LogDensity([lo + k * h]);
            max = Math.Max(max, logDensity[k]);
        }
        double mass = 0, first = 0, second = 0;
        for (int k = 0; k < points; k++)
        {
            double beta = lo + k * h;
            double weight = Math.Exp(logDensity[k] - max) * (k == 0 || k == points - 1 ? 0.5 : 1.0);
            mass += weight;
            first += weight * beta;
            second += weight * beta * beta;
        }
        double mean = first / mass;
        double variance = second / mass - mean * mean;

        var result = NutsSampler.Sample(target, new NutsOptions { Seed = 5 });

        Log(result);
        TestContext.WriteLine($"quadrature mean {mean:F5} variance {variance:F5}");
        Assert.AreEqual(0, result.Divergences);
        AssertWithinMcse(mean, result, 0);
        AssertRelative(variance, result.Variance[0], 0.10, "variance");
    }

    [TestMethod]
    public void TwoDimensionalLogisticRegressionMatchesQuadrature()
    {
        var target = LogisticRegressionDensity.Simulate(50, [-0.5, 1.5], intercept: true, seed: 7);
        // Trapezoid rule on a 401 x 401 grid wide enough that the tails are negligible.
        const int points = 401;
        double lo0 = -4.5, hi0 = 3.5, lo1 = -2.5, hi1 = 5.5;
        double h0 = (hi0 - lo0) / (points - 1), h1 = (hi1 - lo1) / (points - 1);
        var logDensity = new double[points, points];
        double max = double.NegativeInfinity;
        for (int a = 0; a < points; a++)
        {
            for (int b = 0; b < points; b++)
            {
                logDensity[a, b] = target.LogDensity([lo0 + a * h0, lo1 + b * h1]);
                max = Math.Max(max, logDensity[a, b]);
            }
        }
        double mass = 0, m0 = 0, m1 = 0, s00 = 0, s01 = 0, s11 = 0, edge = double.NegativeInfinity;
        for (int a = 0; a < points; a++)
        {
            for (int b = 0; b < points; b++)
            {
                double b0 = lo0 + a * h0, b1 = lo1 + b * h1;
                double weight = Math.Exp(logDensity[a, b] - max)
                    * (a == 0 || a == points - 1 ? 0.5 : 1.0) * (b == 0 || b == points - 1 ? 0.5 : 1.0);
                if (a == 0 || b == 0 || a == points - 1 || b == points - 1)
                {
                    edge = Math.Max(edge, logDensity[a, b] - max);
                }
                mass += weight;
                m0 += weight * b0;
                m1 += weight * b1;
                s00 += weight * b0 * b0;
                s01 += weight * b0 * b1;
                s11 += weight * b1 * b1;
            }
        }
        Assert.IsLessThan(-30, edge, "the quadrature grid must contain the posterior");
        double[] mean = [m0 / mass, m1 / mass];
        double[,] covariance =
        {
            { s00 / mass - mean[0] * mean[0], s01 / mass - mean[0] * mean[1] },
            { s01 / mass - mean[0] * mean[1], s11 / mass - mean[1] * mean[1] },
        };

        var result = NutsSampler.Sample(target, new NutsOptions { Seed = 13 });

        Log(result);
        TestContext.WriteLine($"quadrature mean ({mean[0]:F4}, {mean[1]:F4}) cov ({covariance[0, 0]:F4}, {covariance[0, 1]:F4}, {covariance[1, 1]:F4})");
        Assert.AreEqual(0, result.Divergences);
        var sampled = result.GetCovariance();
        for (int i = 0; i < 2; i++)
        {
            AssertWithinMcse(mean[i], result, i);
            AssertRelative(covariance[i, i], result.Variance[i], 0.10, $"variance {i}");
        }
        double scale = Math.Sqrt(covariance[0, 0] * covariance[1, 1]);
        Assert.AreEqual(covariance[0, 1] / scale, sampled[0, 1] / scale, 0.05, "correlation");
    }

    [TestMethod]
    public void SameSeedGivesIdenticalDrawsWhateverTheScheduling()
    {
        var target = CorrelatedGaussianDensity.Create(5);
        var options = new NutsOptions { Draws = 200, Warmup = 200, Chains = 3, Seed = 42 };

        var first = NutsSampler.Sample(target, options);
        // Slow chain 0 down so the chains interleave differently.
        var second = NutsSampler.Sample(target, options, new SlowChainProgress(0));
        var otherSeed = NutsSampler.Sample(target, options with { Seed = 43 });

        for (int c = 0; c < options.Chains; c++)
        {
            Assert.IsTrue(first.GetChainDraws(c).SequenceEqual(second.GetChainDraws(c)), $"chain {c} differs between runs");
            Assert.IsFalse(first.GetChainDraws(c).SequenceEqual(otherSeed.GetChainDraws(c)), $"chain {c} ignores the seed");
            Assert.AreEqual(first.StepSizes[c], second.StepSizes[c]);
        }
        Assert.IsFalse(first.GetChainDraws(0).SequenceEqual(first.GetChainDraws(1)), "chains share a stream");
        Assert.AreEqual(first.GradientEvaluations, second.GradientEvaluations);
    }

    [TestMethod]
    public void DrawingInRoundsContinuesTheSameChains()
    {
        // 100 draws, then 60 and 40 more from the adapted chains, are exactly one run's 200 draws: a round continues the
        // chains (position, step size, metric, random stream) instead of restarting them.
        var target = CorrelatedGaussianDensity.Create(4);
        var options = new NutsOptions { Draws = 200, Warmup = 150, Chains = 2, Seed = 9 };
        var whole = NutsSampler.Sample(target, options);
        var asked = new List<int>();
        int[] extras = [60, 40, 0];
        var rounds = NutsSampler.SampleInRounds(target, options with { Draws = 100 }, result =>
        {
            asked.Add(result.DrawsPerChain);
            return extras[asked.Count - 1];
        });

        CollectionAssert.AreEqual(new[] { 100, 160, 200 }, asked);
        Assert.AreEqual(200, rounds.DrawsPerChain);
        for (int c = 0; c < options.Chains; c++)
        {
            Assert.IsTrue(whole.GetChainDraws(c).SequenceEqual(rounds.GetChainDraws(c)), $"chain {c} differs");
            Assert.AreEqual(whole.MeanAcceptance[c], rounds.MeanAcceptance[c], 1e-15);
        }
        Assert.AreEqual(whole.GradientEvaluations, rounds.GradientEvaluations);
        CollectionAssert.AreEqual(whole.Mean.ToArray(), rounds.Mean.ToArray());
    }

    [TestMethod]
    public void FewerParallelChainsGiveTheSameDrawsAndRunOneAtATime()
    {
        var target = new ConcurrencyRecorder(CorrelatedGaussianDensity.Create(3));
        var options = new NutsOptions { Draws = 100, Warmup = 100, Chains = 3, Seed = 7 };

        var all = NutsSampler.Sample(CorrelatedGaussianDensity.Create(3), options);
        var oneAtATime = NutsSampler.Sample(target, options with { MaxParallelChains = 1 });

        for (int c = 0; c < options.Chains; c++)
        {
            Assert.IsTrue(all.GetChainDraws(c).SequenceEqual(oneAtATime.GetChainDraws(c)), $"chain {c} differs");
        }
        Assert.AreEqual(1, target.MostAtOnce);
        var error = Assert.ThrowsExactly<ArgumentException>(() => NutsSampler.Sample(target, options with { MaxParallelChains = 0 }));
        Assert.AreEqual("MaxParallelChains", error.ParamName);
    }

    [TestMethod]
    public void InitialPointIsUsed()
    {
        var firstPoints = new List<double[]>();
        var target = new FirstPointRecorder(CorrelatedGaussianDensity.Create(2), firstPoints);
        NutsSampler.Sample(target, new NutsOptions { Draws = 10, Warmup = 10, Chains = 2, InitialPoint = [3.0, -4.0] });

        Assert.HasCount(2, firstPoints);
        foreach (var point in firstPoints)
        {
            CollectionAssert.AreEqual(new[] { 3.0, -4.0 }, point);
        }
    }

    [TestMethod]
    public void InitialInverseMetricOfWrongLengthOrNotPositiveIsNamed()
    {
        foreach (var metric in new[] { new[] { 1.0 }, [1.0, double.NaN], [1.0, -2.0] })
        {
            var exception = Assert.Throws<ArgumentException>(() =>
                NutsSampler.Sample(CorrelatedGaussianDensity.Create(2), new NutsOptions { InitialInverseMetric = metric }));
            Assert.AreEqual("InitialInverseMetric", exception.ParamName);
            Assert.Contains("NutsOptions.InitialInverseMetric", exception.Message);
        }
    }

    [TestMethod]
    public void InitialInverseMetricIsUsedAndTamesABadlyScaledGaussian()
    {
        // Scales from 0.001 to 1000: with a unit metric NUTS would need ~10^6 leapfrog steps per
        // draw. Under 20 warmup iterations the metric is never adapted, so the one given is the one
        // sampled with throughout, and with the true variances the target is a standard normal.
        double[] scales = [1e-3, 1, 1e3];
        var variances = scales.Select(s => s * s).ToArray();
        var covariance = new double[3, 3];
        for (int i = 0; i < 3; i++)
        {
            covariance[i, i] = variances[i];
        }
        var target = new CorrelatedGaussianDensity([5e-3, -1, 2e3], covariance);
        var result = NutsSampler.Sample(target, new NutsOptions { Draws = 1000, Warmup = 15, Chains = 2, Seed = 8, InitialInverseMetric = variances, InitialPoint = [0.0, 0, 0] });

        Log(result);
        for (int c = 0; c < result.Chains; c++)
        {
            CollectionAssert.AreEqual(variances, result.InverseMetrics[c].ToArray(), $"chain {c}");
        }
        Assert.AreEqual(0, result.TreeDepthSaturations);
        for (int i = 0; i < 3; i++)
        {
            Assert.IsLessThan(1.02, result.RHat[i], $"R-hat of coordinate {i}");
            AssertWithinMcse(target.Mean[i], result, i);
            AssertRelative(variances[i], result.Variance[i], 0.15, $"variance of coordinate {i}");
        }
    }

    [TestMethod]
    public void TinyRunsGiveNaNDiagnostics()
    {
        var result = NutsSampler.Sample(CorrelatedGaussianDensity.Create(2), new NutsOptions { Draws = 1, Warmup = 0, Chains = 1 });

        Assert.AreEqual(1, result.TotalDraws);
        Assert.IsTrue(double.IsFinite(result.Mean[0]));
        Assert.IsTrue(double.IsNaN(result.Variance[0]));
        Assert.IsTrue(double.IsNaN(result.RHat[0]));
        Assert.IsTrue(double.IsNaN(result.BulkEss[0]));
        Assert.IsTrue(double.IsNaN(result.MeanMcse[0]));
    }

    [TestMethod]
    public void RandomInitialPointsLieInStansBox()
    {
        var firstPoints = new List<double[]>();
        var target = new FirstPointRecorder(CorrelatedGaussianDensity.Create(3), firstPoints);
        NutsSampler.Sample(target, new NutsOptions { Draws = 10, Warmup = 10, Chains = 4 });

        Assert.HasCount(4, firstPoints);
        Assert.IsTrue(firstPoints.SelectMany(p => p).All(x => x > -2 && x < 2));
        Assert.AreEqual(4, firstPoints.Select(p => p[0]).Distinct().Count());
    }

    [TestMethod]
    public void HardWallGivesDivergences()
    {
        // Every trajectory that crosses the wall at 0 diverges (infinite energy error); such
        // subtrees are rejected, so the draws still respect the support.
        var result = NutsSampler.Sample(new HalfNormalDensity(2), new NutsOptions { Draws = 300, Warmup = 300, Chains = 2, Seed = 1 });

        Log(result);
        Assert.IsGreaterThan(0, result.Divergences);
        Assert.AreEqual(result.Divergences, result.DivergencesPerChain.Sum());
        for (int c = 0; c < result.Chains; c++)
        {
            foreach (double x in result.GetChainDraws(c))
            {
                Assert.IsGreaterThan(0.0, x);
            }
        }
    }

    [TestMethod]
    public void OversizedStepDiverges()
    {
        // sd 0.01 with step size 1: the first leapfrog step overshoots by ~100 sd, an energy error far over 1000.
        var chain = new NutsChain(new CorrelatedGaussianDensity([0.0], new double[,] { { 1e-4 } }), seed: 0, chainIndex: 0, maxDepth: 10);
        chain.Initialise([0.005]);
        chain.Transition(1.0);
        Assert.IsTrue(chain.LastDivergent);
        Assert.AreEqual(0, chain.LastTreeDepth);
        Assert.AreEqual(0.005, chain.Position[0], "a divergent first subtree leaves the chain where it was");
    }

    [TestMethod]
    public void DensityExceptionsReachTheCaller()
    {
        var exception = Assert.Throws<InvalidOperationException>(() =>
            NutsSampler.Sample(new ThrowingDensity(after: 500), new NutsOptions { Chains = 3 }));
        Assert.AreEqual("density failed", exception.Message);
    }

    [TestMethod]
    public void CancelledTokenThrowsBeforeSampling()
    {
        using var source = new CancellationTokenSource();
        source.Cancel();
        Assert.Throws<OperationCanceledException>(() =>
            NutsSampler.Sample(CorrelatedGaussianDensity.Create(2), new NutsOptions(), cancellationToken: source.Token));
    }

    [TestMethod]
    public void CancellingMidRunThrows()
    {
        using var source = new CancellationTokenSource();
        var progress = new CancelAtProgress(source, iteration: 100);
        Assert.Throws<OperationCanceledException>(() =>
            NutsSampler.Sample(CorrelatedGaussianDensity.Create(2), new NutsOptions { Warmup = 100_000 }, progress, source.Token));
        Assert.IsTrue(progress.Cancelled);
    }

    [TestMethod]
    public void ProgressReportsEveryChainToTheEnd()
    {
        var progress = new RecordingProgress();
        NutsSampler.Sample(CorrelatedGaussianDensity.Create(2), new NutsOptions { Draws = 150, Warmup = 50, Chains = 2 }, progress);
        for (int c = 0; c < 2; c++)
        {
            var reports = progress.Reports.Where(r => r.Chain == c).OrderBy(r => r.Iteration).ToList();
            Assert.AreEqual(new NutsProgress(c, 200, 200, false), reports[^1]);
            Assert.IsTrue(reports.Where(r => r.Iteration <= 50).All(r => r.IsWarmup));
            Assert.IsTrue(reports.Where(r => r.Iteration > 50).All(r => !r.IsWarmup));
            Assert.IsLessThanOrEqualTo(101, reports.Count);
        }
    }

    [TestMethod]
    [DataRow("Draws")]
    [DataRow("Warmup")]
    [DataRow("Chains")]
    [DataRow("TargetAcceptance")]
    [DataRow("MaxTreeDepth")]
    [DataRow("InitialStepSize")]
    [DataRow("InitialPoint")]
    [DataRow("InitialInverseMetric")]
    public void InvalidOptionIsNamed(string option)
    {
        var options = option switch
        {
            "Draws" => new NutsOptions { Draws = 0 },
            "Warmup" => new NutsOptions { Warmup = -1 },
            "Chains" => new NutsOptions { Chains = 0 },
            "TargetAcceptance" => new NutsOptions { TargetAcceptance = 1.0 },
            "MaxTreeDepth" => new NutsOptions { MaxTreeDepth = 0 },
            "InitialStepSize" => new NutsOptions { InitialStepSize = double.NaN },
            "InitialPoint" => new NutsOptions { InitialPoint = [1.0] },
            _ => new NutsOptions { InitialInverseMetric = [1.0, 0.0] },
        };
        var exception = Assert.Throws<ArgumentException>(() => NutsSampler.Sample(CorrelatedGaussianDensity.Create(2), options));
        Assert.AreEqual(option, exception.ParamName);
        Assert.Contains($"NutsOptions.{option}", exception.Message);
    }

    [TestMethod]
    public void TransitionsDoNotAllocate()
    {
        var chain = new NutsChain(CorrelatedGaussianDensity.Create(16), seed: 3, chainIndex: 0, maxDepth: 10);
        chain.Initialise(null);
        double stepSize = chain.FindReasonableStepSize(1.0);
        // Warm up the JIT first so that only the steady state is measured.
        for (int i = 0; i < 200; i++)
        {
            chain.Transition(stepSize);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        int leapfrogSteps = 0;
        for (int i = 0; i < 200; i++)
        {
            chain.Transition(stepSize);
            leapfrogSteps += chain.LastLeapfrogSteps;
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.AreEqual(0L, allocated, $"{allocated} bytes over {leapfrogSteps} leapfrog steps");
        Assert.IsGreaterThan(200, leapfrogSteps);
    }

    [TestMethod]
    public void MetricWindowsFollowStan()
    {
        CollectionAssert.AreEqual(new[] { 99, 149, 249, 449, 949 }, WindowEnds(1000));
        // Short warmup: 15% / 75% / 10% gives a single slow window over iterations 15..89.
        CollectionAssert.AreEqual(new[] { 89 }, WindowEnds(100));
        CollectionAssert.AreEqual(Array.Empty<int>(), WindowEnds(19));
    }

    [TestMethod]
    public void MetricUpdateIsTheRegularisedWindowVariance()
    {
        var adapter = new MassMatrixAdapter(1, 100);
        var metric = new[] { 1.0 };
        var window = new List<double>();
        for (int t = 0; t < 90; t++)
        {
            double q = Math.Sin(t);
            if (t >= 15)
            {
                window.Add(q);
            }
            adapter.Learn([q], metric);
        }
        double mean = window.Average();
        double variance = window.Sum(x => (x - mean) * (x - mean)) / (window.Count - 1);
        double n = window.Count;
        Assert.AreEqual(n / (n + 5) * variance + 1e-3 * 5 / (n + 5), metric[0], 1e-12);
    }

    [TestMethod]
    public void DualAveragingConvergesToTheTargetStatistic()
    {
        // An acceptance statistic exp(-step) reaches the target 0.8 at step = -log(0.8).
        var adapter = new StepSizeAdapter(0.8) { Mu = Math.Log(10) };
        double step = 1;
        for (int t = 0; t < 2000; t++)
        {
            step = adapter.Learn(Math.Exp(-step));
        }
        Assert.AreEqual(-Math.Log(0.8), adapter.FinalStepSize(), 0.01);
    }

    private static int[] WindowEnds(int warmup)
    {
        var adapter = new MassMatrixAdapter(1, warmup);
        var metric = new[] { 1.0 };
        var ends = new List<int>();
        for (int t = 0; t < warmup; t++)
        {
            if (adapter.Learn([t % 7], metric))
            {
                ends.Add(t);
            }
        }
        return [.. ends];
    }

    private void AssertWithinMcse(double expected, NutsResult result, int i)
    {
        double mcse = result.MeanMcse[i];
        Assert.IsTrue(double.IsFinite(mcse) && mcse > 0, $"MCSE of coordinate {i} is {mcse}");
        double z = (result.Mean[i] - expected) / mcse;
        Assert.IsLessThan(4.0, Math.Abs(z), $"mean of coordinate {i}: {result.Mean[i]:G6} vs {expected:G6}, {z:F2} MCSE");
    }

    private static void AssertRelative(double expected, double actual, double tolerance, string what)
    {
        double error = Math.Abs(actual / expected - 1);
        Assert.IsLessThan(tolerance, error, $"{what}: {actual:G6} vs {expected:G6} ({100 * error:F1}% off)");
    }

    private void Log(NutsResult result)
    {
        TestContext.WriteLine(
            $"elapsed {result.Elapsed.TotalMilliseconds:F0} ms, gradients {result.GradientEvaluations}, divergences {result.Divergences} "
            + $"(warmup {result.WarmupDivergences}), saturations {result.TreeDepthSaturations}, "
            + $"step sizes [{string.Join(", ", result.StepSizes.Select(s => s.ToString("F3")))}], "
            + $"acceptance [{string.Join(", ", result.MeanAcceptance.Select(s => s.ToString("F3")))}]");
        for (int i = 0; i < result.Dimension; i++)
        {
            TestContext.WriteLine(
                $"  [{i}] mean {result.Mean[i]:F4} ± {result.MeanMcse[i]:F4} var {result.Variance[i]:F4} "
                + $"rhat {result.RHat[i]:F4} bulk-ess {result.BulkEss[i]:F0} mean-ess {result.MeanEss[i]:F0}");
        }
    }

    /// <summary>A standard normal that throws on its n-th evaluation in each worker.</summary>
    private sealed class ThrowingDensity(int after) : ILogDensity
    {
        private int _evaluations;

        public int Dimension => 1;

        public double Evaluate(ReadOnlySpan<double> z, Span<double> gradient)
        {
            if (++_evaluations >= after)
            {
                throw new InvalidOperationException("density failed");
            }
            gradient[0] = -z[0];
            return -0.5 * z[0] * z[0];
        }

        public ILogDensity CreateWorker() => new ThrowingDensity(after);
    }

    private sealed class SlowChainProgress(int chain) : IProgress<NutsProgress>
    {
        public void Report(NutsProgress value)
        {
            if (value.Chain == chain)
            {
                Thread.Sleep(1);
            }
        }
    }

    private sealed class CancelAtProgress(CancellationTokenSource source, int iteration) : IProgress<NutsProgress>
    {
        public bool Cancelled { get; private set; }

        public void Report(NutsProgress value)
        {
            if (value.Iteration >= iteration)
            {
                Cancelled = true;
                source.Cancel();
            }
        }
    }

    private sealed class RecordingProgress : IProgress<NutsProgress>
    {
        private readonly List<NutsProgress> _reports = [];

        public List<NutsProgress> Reports
        {
            get
            {
                lock (_reports)
                {
                    return [.. _reports];
                }
            }
        }

        public void Report(NutsProgress value)
        {
            lock (_reports)
            {
                _reports.Add(value);
            }
        }
    }
}
