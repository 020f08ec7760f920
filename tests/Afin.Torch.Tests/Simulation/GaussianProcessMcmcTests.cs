using Afin.Simulation;
using Afin.Simulation.GaussianProcess;

namespace Afin.Tests.Simulation;

[TestClass]
public sealed class GaussianProcessMcmcTests
{
    private const int GridSize = 5;

    private static float[] Field(double theta, int seed) =>
        new GaussianProcessFieldSimulator(GridSize).Simulate([[theta]], new Random(seed))[0];

    [TestMethod]
    public void PosteriorQuantilesAgreeWithQuadrature()
    {
        var prior = new UniformPrior(0, 0.6);
        var likelihood = new GaussianProcessLikelihood(GridSize);
        var field = Field(0.2, seed: 4);

        // Quadrature: likelihood x (flat) prior on 1,200 points of (0, 0.6].
        var points = Enumerable.Range(1, 1200).Select(i => 0.0005 * i).ToArray();
        var logLikelihood = likelihood.LogLikelihoodGrid([field], points);
        var log = points.Select((t, j) => logLikelihood[0, j] + prior.LogDensity([t])).ToArray();
        var exact = new GridPosterior(points, log);
        double sd = Math.Sqrt(exact.Variance);

        // 40 chains on copies of the field, pooled: 40 x 500 draws. Over 16 fields and seeds the pooled median, mean
        // and 5% quantile stayed within 0.05 posterior sd of quadrature and the 95% quantile (near the prior's edge)
        // within 0.16; the tolerances leave room above that and still catch a posterior a fifth too wide (tails off by 0.33 sd).
        const int chains = 40;
        var fields = Enumerable.Repeat(field, chains).ToArray();
        var result = new GaussianProcessMcmc(likelihood, prior).Run(fields, new GaussianProcessMcmcOptions(Warmup: 200, Draws: 500, Seed: 9));
        var pooled = result.Draws.SelectMany(d => d).Order().ToArray();
        double Empirical(double q) => pooled[(int)(q * (pooled.Length - 1))];
        Assert.AreEqual(exact.Median, Empirical(0.5), 0.12 * sd, $"median (posterior sd {sd:F4})");
        Assert.AreEqual(exact.Quantile(0.05), Empirical(0.05), 0.25 * sd, "5% quantile");
        Assert.AreEqual(exact.Quantile(0.95), Empirical(0.95), 0.25 * sd, "95% quantile");
        Assert.AreEqual(exact.Mean, pooled.Average(), 0.1 * sd, "mean");

        // Adapted toward 0.44 acceptance; every chain is a proper MH chain on (0, 0.6).
        Assert.AreEqual(GaussianProcessMcmc.TargetAcceptance, result.AcceptanceRates.Average(), 0.06);
        Assert.IsTrue(pooled.All(t => t > 0 && t <= 0.6));
        Assert.AreEqual(exact.Median, result.Quantile(0, 0.5), 0.5 * sd, "one chain's median");
    }

    [TestMethod]
    public void SeedReproducesChainsIndependentlyOfTheOtherFields()
    {
        var prior = new UniformPrior(0, 0.6);
        var mcmc = new GaussianProcessMcmc(new GaussianProcessLikelihood(3), prior);
        var simulator = new GaussianProcessFieldSimulator(3);
        var fields = simulator.Simulate([[0.1], [0.3], [0.5]], new Random(2));
        var options = new GaussianProcessMcmcOptions(Warmup: 50, Draws: 40, Seed: 17, Thin: 2);
        var all = mcmc.Run(fields, options);
        var again = mcmc.Run(fields, options);
        var firstTwo = mcmc.Run(fields[..2], options);
        Assert.AreEqual(3, all.Fields);
        for (int i = 0; i < 3; i++)
        {
            Assert.AreEqual(40, all.Draws[i].Length);
            CollectionAssert.AreEqual(all.Draws[i], again.Draws[i]);
        }
        CollectionAssert.AreEqual(all.Draws[1], firstTwo.Draws[1]);
        CollectionAssert.AreNotEqual(all.Draws[0], mcmc.Run(fields, options with { Seed = 18 }).Draws[0]);
    }

    [TestMethod]
    public void ReportsProgressAndHonoursCancellation()
    {
        var mcmc = new GaussianProcessMcmc(new GaussianProcessLikelihood(3), new UniformPrior(0, 0.6));
        var fields = new GaussianProcessFieldSimulator(3).Simulate([[0.2]], new Random(1));
        var reported = new List<int>();
        var progress = new SynchronousProgress(reported.Add);
        var options = new GaussianProcessMcmcOptions(Warmup: 5, Draws: 7, Thin: 3);
        mcmc.Run(fields, options, progress);
        Assert.AreEqual(options.TotalIterations, reported.Count);
        Assert.AreEqual(26, reported[^1]);

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsExactly<OperationCanceledException>(() => mcmc.Run(fields, options, cancellation: cancelled.Token));
    }

    [TestMethod]
    public void RejectsBadOptionsAndPriors()
    {
        var likelihood = new GaussianProcessLikelihood(3);
        var mcmc = new GaussianProcessMcmc(likelihood, new UniformPrior(0, 0.6));
        var fields = new GaussianProcessFieldSimulator(3).Simulate([[0.2]], new Random(1));
        var e = Assert.ThrowsExactly<ArgumentException>(() => mcmc.Run(fields, new GaussianProcessMcmcOptions(Start: 0.7)));
        Assert.Contains("options.Start is 0.7; expected a positive theta inside the prior's support", e.Message);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => mcmc.Run(fields, new GaussianProcessMcmcOptions(Draws: 0)));
        e = Assert.ThrowsExactly<ArgumentException>(() => mcmc.Run(fields, new GaussianProcessMcmcOptions(InitialProposalScale: -1)));
        Assert.Contains("options.InitialProposalScale is -1", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => new GaussianProcessMcmc(likelihood, new UniformPrior([0.0, 0.0], [1.0, 1.0])));
        Assert.Contains("the prior has 2 parameters; expected 1", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => new GaussianProcessMcmc(likelihood, new NormalPrior(0.3, 0.1)).Run(fields));
        Assert.Contains("expected an explicit options.Start", e.Message);
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool and race the asserts).</summary>
    private sealed class SynchronousProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
