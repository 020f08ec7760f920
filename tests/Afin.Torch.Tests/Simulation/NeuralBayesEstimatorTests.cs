using Afin.Simulation;
using Afin.Simulation.Estimators;

namespace Afin.Tests.Simulation;

[TestClass]
public sealed class NeuralBayesEstimatorTests
{
    private static NeuralBayesEstimator? _trained;

    private static NeuralBayesEstimator Trained => _trained ??= NeuralBayesEstimator.Train(ConjugateToy.Prior, ConjugateToy.Simulator,
        new NeuralBayesEstimatorOptions { Summary = ConjugateToy.Summary, HeadWidth = 32 }, ConjugateToy.Training());

    [TestMethod]
    public void RecoversTheConjugatePosteriorMeanMedianAndInterval()
    {
        var tests = ConjugateToy.TestSets();
        var (median, lower, upper) = ConjugateToy.Errors(Trained, tests);
        Assert.IsLessThan(0.35, median, $"median error {median:F3} sd");
        Assert.IsLessThan(0.45, lower, $"5% quantile error {lower:F3} sd");
        Assert.IsLessThan(0.45, upper, $"95% quantile error {upper:F3} sd");
        var estimate = Trained.Estimate(tests.DataOf(0).ToArray());
        var (mean, sd) = ConjugateToy.Exact(tests, 0);
        Assert.AreEqual(mean, estimate.Mean![0], 0.4 * sd, "posterior mean from the squared-loss target");
    }

    [TestMethod]
    public void QuantilesNeverCross()
    {
        var tests = ConjugateToy.TestSets(50);
        foreach (var estimate in Trained.Estimate(Enumerable.Range(0, tests.Count).Select(i => tests.DataOf(i).ToArray()).ToArray()))
        {
            Assert.IsTrue(estimate.Quantiles[0][0] < estimate.Quantiles[1][0] && estimate.Quantiles[1][0] < estimate.Quantiles[2][0]);
        }
    }

    [TestMethod]
    public void TheSameSeedGivesTheSameEstimator()
    {
        var options = new NeuralBayesEstimatorOptions { Summary = ConjugateToy.Summary, HeadWidth = 16 };
        var training = ConjugateToy.Training(seed: 11, epochs: 2) with { TrainingSimulations = 1000, ValidationSimulations = 200 };
        using var first = NeuralBayesEstimator.Train(ConjugateToy.Prior, ConjugateToy.Simulator, options, training);
        using var second = NeuralBayesEstimator.Train(ConjugateToy.Prior, ConjugateToy.Simulator, options, training);
        using var other = NeuralBayesEstimator.Train(ConjugateToy.Prior, ConjugateToy.Simulator, options, training with { Seed = 12 });
        var data = ConjugateToy.TestSets(3);
        for (int i = 0; i < data.Count; i++)
        {
            var row = data.DataOf(i).ToArray();
            CollectionAssert.AreEqual(first.Estimate(row).Quantiles[1], second.Estimate(row).Quantiles[1]);
            Assert.AreNotEqual(first.Estimate(row).Quantiles[1][0], other.Estimate(row).Quantiles[1][0]);
        }
    }

    [TestMethod]
    public void RejectsBadOptionsByName()
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => NeuralBayesEstimator.Train(ConjugateToy.Prior, ConjugateToy.Simulator,
            new NeuralBayesEstimatorOptions { Quantiles = [0.5, 0.05] }, ConjugateToy.Training()));
        StringAssert.Contains(error.Message, "Quantiles[1]");
    }
}
