using Afin.Modelling;
using Afin.Network;
using Afin.Persistence;
using static Afin.Tests.Engine.EngineTestKit;

namespace Afin.Tests.Engine;

/// <summary>The shipped models through both engines on the sample problems users start from.</summary>
[TestClass]
public sealed class ShippedModelEngineTests
{
    [TestMethod]
    [DataRow(AfinArchitecture.Pooled)]
    [DataRow(AfinArchitecture.Faithful)]
    public void ShippedModelGivesTheSamePosteriorThroughBothEngines(AfinArchitecture architecture)
    {
        var model = AfinModel.LoadDefault(architecture);
        using var network = AfinNetwork.FromModel(model);
        var files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "problems"), "*.json").Order().ToArray();
        Assert.IsGreaterThanOrEqualTo(4, files.Length);
        var rng = new Random(8);
        int compared = 0;
        foreach (var file in files)
        {
            var problem = ProblemJson.Load(file);
            string where = $"{model.Options.Architecture} model, {Path.GetFileName(file)}";
            AfinPosterior torch;
            try
            {
                torch = network.Infer([problem])[0];
            }
            catch (NotSupportedException torchRefusal)
            {
                // A family the model's feature version has no adapter for: both engines refuse it with the same message.
                var managedRefusal = Assert.ThrowsExactly<NotSupportedException>(() => model.Infer(problem), where);
                Assert.AreEqual(torchRefusal.Message, managedRefusal.Message, where);
                continue;
            }
            var managed = model.Infer(problem);
            AssertClose(RelativeError(managed.Mean, torch.Mean), $"{where}: mean");
            AssertClose(RelativeError(managed.Covariance, torch.Covariance), $"{where}: covariance");
            var points = TestProblems.RandomMatrix(rng, 6, problem.Dimension);
            for (int i = 0; i < problem.Dimension; i++)
            {
                points[0, i] = torch.Mean[i];
            }
            AssertClose(RelativeError(managed.LogDensity(points), torch.LogDensity(points)), $"{where}: log density");
            compared++;
        }
        Assert.IsGreaterThanOrEqualTo(3, compared, "the linear, logistic and mixed samples are within every shipped model's families");
    }
}
