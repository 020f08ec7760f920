using Afin.Canonical;
using Afin.Network;
using Afin.Persistence;
using Afin.Training;
using TorchSharp;
using static Afin.Tests.Engine.EngineTestKit;
using static TorchSharp.torch;

namespace Afin.Tests.Engine;

[TestClass]
public sealed class AfinModelEngineTests
{
    [TestMethod]
    public void ModelsRunTheManagedEngineByDefaultAndTheTorchNetworkOnRequest()
    {
        using var model = new AfinModel(RandomNetwork(AfinArchitecture.Pooled, PosteriorFamily.Gaussian, LatentCoordinates.Original, seed: 51), new TaskDistribution());
        Assert.AreEqual(InferenceEngine.Managed, model.Engine);
        var problem = RandomProblem(new Random(52), 3, 7);
        var managed = model.Infer(problem);
        model.Engine = InferenceEngine.TorchSharp;
        var torch = model.Infer(problem);
        AssertClose(RelativeError(managed.Mean, torch.Mean), "mean");
        AssertClose(RelativeError(managed.Covariance, torch.Covariance), "covariance");
        // Both engines draw from the same distribution but from different generators.
        CollectionAssert.AreNotEqual(Flatten(managed.Sample(3, seed: 1)), Flatten(torch.Sample(3, seed: 1)));
        CollectionAssert.AreEqual(Flatten(managed.Sample(3, seed: 1)), Flatten(managed.Sample(3, seed: 1)), "a seed gives the same draws");
    }

    [TestMethod]
    public void RefreshRebuildsTheManagedEngineAfterTheWeightsChangeInPlace()
    {
        var network = RandomNetwork(AfinArchitecture.Faithful, PosteriorFamily.Gaussian, LatentCoordinates.Original, seed: 53);
        using var model = new AfinModel(network, new TaskDistribution());
        var problem = RandomProblem(new Random(54), 4, 5);
        var before = model.Infer(problem).Mean;
        using (no_grad())
        {
            foreach (var p in network.parameters())
            {
                p.mul_(1.1);
            }
        }
        // The engine was built from the earlier weights and keeps them until told (documented on AfinModel.Network).
        CollectionAssert.AreEqual(before, model.Infer(problem).Mean);
        model.RefreshInferenceEngine();
        var after = model.Infer(problem).Mean;
        model.Engine = InferenceEngine.TorchSharp;
        var torch = model.Infer(problem).Mean;
        AssertClose(RelativeError(after, torch), "mean after the refresh");
        Assert.IsGreaterThan(1e-3, RelativeError(before, torch), "the weight change must move the mean for this test to mean anything");
    }

    [TestMethod]
    public void NetworksNotInFloat32StayOnTheTorchNetwork()
    {
        var network = RandomNetwork(AfinArchitecture.Pooled, PosteriorFamily.Gaussian, LatentCoordinates.Original, seed: 55);
        network.to(ScalarType.Float64);
        using var model = new AfinModel(network, new TaskDistribution());
        Assert.AreEqual(InferenceEngine.TorchSharp, model.Engine);
        var e = Assert.ThrowsExactly<ArgumentException>(() => model.Engine = InferenceEngine.Managed);
        StringAssert.Contains(e.Message, "float32");
        Assert.AreEqual(3, model.Infer(RandomProblem(new Random(56), 3, 2)).Dimension);
    }

    [TestMethod]
    public void ModelFilesRoundTripThroughTheManagedEngine()
    {
        var network = RandomNetwork(AfinArchitecture.Pooled, PosteriorFamily.Flow, LatentCoordinates.Full, seed: 57, siteLayers: 1);
        using var saved = new AfinModel(network, new TaskDistribution());
        string path = Path.Combine(Path.GetTempPath(), $"engine-{Guid.NewGuid():N}.afin");
        try
        {
            saved.Save(path);
            using var loaded = AfinModel.Load(path);
            Assert.AreEqual(InferenceEngine.Managed, loaded.Engine);
            var problem = RandomProblem(new Random(58), 5, 7);
            var points = TestProblems.RandomMatrix(new Random(59), 4, 5);
            var fromFile = loaded.Infer(problem);
            saved.Engine = InferenceEngine.TorchSharp;
            AssertClose(RelativeError(fromFile.LogDensity(points), saved.Infer(problem).LogDensity(points)), "log density of the loaded model");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
