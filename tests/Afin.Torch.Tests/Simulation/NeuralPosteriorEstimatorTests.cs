using Afin.Simulation;
using Afin.Simulation.Estimators;

namespace Afin.Tests.Simulation;

[TestClass]
public sealed class NeuralPosteriorEstimatorTests
{
    private static NeuralPosteriorEstimator? _flow;

    private static NeuralPosteriorEstimator Flow => _flow ??= Train(PosteriorDensityKind.SplineFlow);

    private static NeuralPosteriorEstimator Train(PosteriorDensityKind density) => NeuralPosteriorEstimator.Train(ConjugateToy.Prior, ConjugateToy.Simulator,
        new NeuralPosteriorEstimatorOptions { Summary = ConjugateToy.Summary, HeadWidth = 32, Density = density, FlowLayers = 2, Samples = 1000 }, ConjugateToy.Training());

    [TestMethod]
    public void SplineFlowRecoversTheConjugatePosterior()
    {
        var (median, lower, upper) = ConjugateToy.Errors(Flow, ConjugateToy.TestSets());
        Assert.IsLessThan(0.35, median, $"median error {median:F3} sd");
        Assert.IsLessThan(0.45, lower, $"5% quantile error {lower:F3} sd");
        Assert.IsLessThan(0.45, upper, $"95% quantile error {upper:F3} sd");
    }

    [TestMethod]
    public void GaussianMixtureRecoversTheConjugatePosterior()
    {
        using var mixture = Train(PosteriorDensityKind.GaussianMixture);
        var (median, lower, upper) = ConjugateToy.Errors(mixture, ConjugateToy.TestSets());
        Assert.IsLessThan(0.35, median, $"median error {median:F3} sd");
        Assert.IsLessThan(0.45, lower, $"5% quantile error {lower:F3} sd");
        Assert.IsLessThan(0.45, upper, $"95% quantile error {upper:F3} sd");
    }

    [TestMethod]
    public void LogDensityIsNormalisedAndMatchesTheExactPosteriorShape()
    {
        var tests = ConjugateToy.TestSets(2);
        var data = tests.DataOf(0).ToArray();
        var (mean, sd) = ConjugateToy.Exact(tests, 0);
        double step = sd / 50, mass = 0;
        for (double x = mean - 8 * sd; x <= mean + 8 * sd; x += step)
        {
            mass += Math.Exp(Flow.LogDensity(data, [x])) * step;
        }
        Assert.AreEqual(1.0, mass, 0.02, "the density integrates to one");
        double exactAtMean = -0.5 * Math.Log(2 * Math.PI) - Math.Log(sd);
        Assert.AreEqual(exactAtMean, Flow.LogDensity(data, [mean]), 0.25, "log q at the exact mean");
    }

    [TestMethod]
    public void DrawsAreSeeded()
    {
        var data = ConjugateToy.TestSets(1).DataOf(0).ToArray();
        var first = Flow.Sample(data, 50, seed: 7);
        var again = Flow.Sample(data, 50, seed: 7);
        var other = Flow.Sample(data, 50, seed: 8);
        CollectionAssert.AreEqual(first.Select(d => d[0]).ToArray(), again.Select(d => d[0]).ToArray());
        CollectionAssert.AreNotEqual(first.Select(d => d[0]).ToArray(), other.Select(d => d[0]).ToArray());
    }

    [TestMethod]
    public void BoundedPriorKeepsDrawsInsideTheSupport()
    {
        var prior = new UniformPrior(-0.5, 0.5);
        using var estimator = NeuralPosteriorEstimator.Train(prior, ConjugateToy.Simulator,
            new NeuralPosteriorEstimatorOptions { Summary = ConjugateToy.Summary, HeadWidth = 16, FlowLayers = 1 },
            ConjugateToy.Training(epochs: 2) with { TrainingSimulations = 1000, ValidationSimulations = 200 });
        var data = SimulationSet.Simulate(prior, ConjugateToy.Simulator, 1, seed: 1).DataOf(0).ToArray();
        Assert.IsTrue(estimator.Sample(data, 500).All(d => d[0] > -0.5 && d[0] < 0.5));
        Assert.AreEqual(double.NegativeInfinity, estimator.LogDensity(data, [0.7]));
    }
}
