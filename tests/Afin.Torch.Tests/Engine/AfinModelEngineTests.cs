using Afin.Canonical;
using Afin.Network;
using Afin.Persistence;
using Afin.Training;
using TorchSharp;
using static Afin.Tests.Engine.EngineTestKit;
using static TorchSharp.torch;

namespace Afin.Tests.Engine;

/// <summary>A model made from a TorchSharp network, or read from a file, infers on the managed engine as the network does.</summary>
[TestClass]
public sealed class AfinModelEngineTests
{
    [TestMethod]
    public void ModelOfANetworkGivesTheNetworksPosteriorOnTheManagedEngine()
    {
        using var network = RandomNetwork(AfinArchitecture.Pooled, PosteriorFamily.Gaussian, LatentCoordinates.Original, seed: 51);
        var model = network.ToModel(new TaskDistribution());
        var problem = RandomProblem(new Random(52), 3, 7);
        var managed = model.Infer(problem);
        var torch = network.Infer([problem])[0];
        AssertClose(RelativeError(managed.Mean, torch.Mean), "mean");
        AssertClose(RelativeError(managed.Covariance, torch.Covariance), "covariance");
        // Both draw from the same distribution but from different generators.
        CollectionAssert.AreNotEqual(Flatten(managed.Sample(3, seed: 1)), Flatten(torch.Sample(3, seed: 1)));
        CollectionAssert.AreEqual(Flatten(managed.Sample(3, seed: 1)), Flatten(managed.Sample(3, seed: 1)), "a seed gives the same draws");
        Assert.AreEqual(network.ParameterCount, model.ParameterCount);
    }

    [TestMethod]
    public void ModelHoldsACopyOfTheWeightsTheNetworkHadWhenItWasMade()
    {
        using var network = RandomNetwork(AfinArchitecture.Faithful, PosteriorFamily.Gaussian, LatentCoordinates.Original, seed: 53);
        var model = network.ToModel(new TaskDistribution());
        var problem = RandomProblem(new Random(54), 4, 5);
        var before = model.Infer(problem).Mean;
        using (no_grad())
        {
            foreach (var p in network.parameters())
            {
                p.mul_(1.1);
            }
        }
        CollectionAssert.AreEqual(before, model.Infer(problem).Mean, "training the network further leaves a model made earlier alone");
        var after = network.ToModel(new TaskDistribution()).Infer(problem).Mean;
        var torch = network.Infer([problem])[0].Mean;
        AssertClose(RelativeError(after, torch), "mean of a model made after the change");
        Assert.IsGreaterThan(1e-3, RelativeError(before, torch), "the weight change must move the mean for this test to mean anything");
    }

    [TestMethod]
    public void Float64NetworkBecomesAFloat32Model()
    {
        using var network = RandomNetwork(AfinArchitecture.Pooled, PosteriorFamily.Gaussian, LatentCoordinates.Original, seed: 55);
        var problem = RandomProblem(new Random(56), 3, 2);
        var float32 = network.Infer([problem])[0].Mean;
        network.to(ScalarType.Float64);
        var model = network.ToModel(new TaskDistribution());
        AssertClose(RelativeError(model.Infer(problem).Mean, float32), "mean of the float32 copy");
        using var back = AfinNetwork.FromModel(model);
        Assert.AreEqual(ScalarType.Float32, back.parameters().First().dtype);
    }

    [TestMethod]
    public void ModelFilesRoundTripThroughTheManagedEngineAndBackToTorch()
    {
        using var network = RandomNetwork(AfinArchitecture.Pooled, PosteriorFamily.Flow, LatentCoordinates.Full, seed: 57, siteLayers: 1);
        string path = Path.Combine(Path.GetTempPath(), $"engine-{Guid.NewGuid():N}.afin");
        try
        {
            network.ToModel(new TaskDistribution()).Save(path);
            var loaded = AfinModel.Load(path);
            var problem = RandomProblem(new Random(58), 5, 7);
            var points = TestProblems.RandomMatrix(new Random(59), 4, 5);
            var expected = network.Infer([problem])[0].LogDensity(points);
            AssertClose(RelativeError(loaded.Infer(problem).LogDensity(points), expected), "log density of the loaded model");
            using var rebuilt = AfinNetwork.FromModel(loaded);
            AssertClose(RelativeError(rebuilt.Infer([problem])[0].LogDensity(points), expected), "log density of the network rebuilt from the file");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
