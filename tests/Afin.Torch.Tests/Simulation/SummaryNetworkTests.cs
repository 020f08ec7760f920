using Afin.Simulation;
using Afin.Simulation.Estimators;
using Afin.Simulation.Simulators;
using TorchSharp;
using static TorchSharp.torch;

namespace Afin.Tests.Simulation;

[TestClass]
public sealed class SummaryNetworkTests
{
    [TestMethod]
    public void DeepSetsSummaryRecoversTheConjugatePosteriorAndIgnoresReplicateOrder()
    {
        var simulator = new GaussianMeanSimulator(observations: 10, asReplicates: true);
        using var estimator = NeuralBayesEstimator.Train(ConjugateToy.Prior, simulator,
            new NeuralBayesEstimatorOptions { Summary = ConjugateToy.Summary, HeadWidth = 32 }, ConjugateToy.Training());
        Assert.AreEqual(SummaryNetworkKind.DeepSet, estimator.SummaryOptions.Resolve(estimator.Shape));
        var tests = SimulationSet.Simulate(ConjugateToy.Prior, simulator, 20, seed: 77);
        double error = 0;
        for (int i = 0; i < tests.Count; i++)
        {
            var data = tests.DataOf(i).ToArray();
            var (mean, sd) = simulator.Posterior(data, 0, 1);
            double median = estimator.Estimate(data).Quantiles[1][0];
            error += Math.Abs(median - mean) / sd;
            var reversed = data.Reverse().ToArray();
            Assert.AreEqual(median, estimator.Estimate(reversed).Quantiles[1][0], 1e-5, "replicate order must not matter");
        }
        Assert.IsLessThan(0.35, error / tests.Count);
    }

    [TestMethod]
    public void CustomSummaryNetworkTrainsSavesAndLoadsWithItsFactory()
    {
        Func<DataShape, nn.Module<Tensor, Tensor>> factory = shape => nn.Sequential(("0", nn.Linear(shape.Size, 16)), ("1", nn.Tanh()), ("2", nn.Linear(16, 4)));
        var options = new NeuralBayesEstimatorOptions { Summary = new SummaryNetworkOptions { Kind = SummaryNetworkKind.Custom, CustomFactory = factory, OutputDimension = 4 }, HeadWidth = 16 };
        using var estimator = NeuralBayesEstimator.Train(ConjugateToy.Prior, ConjugateToy.Simulator, options,
            ConjugateToy.Training(epochs: 2) with { TrainingSimulations = 600, ValidationSimulations = 100 });
        string path = Path.Combine(Path.GetTempPath(), $"afin-custom-{Guid.NewGuid():N}.afin");
        try
        {
            estimator.Save(path);
            var missing = Assert.ThrowsExactly<InvalidOperationException>(() => SimulationEstimator.Load(path));
            StringAssert.Contains(missing.Message, "custom summary network");
            using var loaded = SimulationEstimator.Load(path, customSummary: factory);
            var data = ConjugateToy.TestSets(1).DataOf(0).ToArray();
            Assert.AreEqual(estimator.Summarise(data).Median[0], loaded.Summarise(data).Median[0], 1e-6);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void ACnnNeedsGridData()
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => NeuralBayesEstimator.Train(ConjugateToy.Prior, ConjugateToy.Simulator,
            new NeuralBayesEstimatorOptions { Summary = new SummaryNetworkOptions { Kind = SummaryNetworkKind.Cnn } }, ConjugateToy.Training()));
        StringAssert.Contains(error.Message, "Kind = Cnn needs grid data; the simulator produces a vector of 10");
    }
}
