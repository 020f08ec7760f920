using Afin.Inference;
using Afin.References;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Afin.Extensions.DependencyInjection.Tests;

/// <summary><see cref="AfinEngineOptions.Mode"/> = Laplace: answers without the batching queue and without loading the model.</summary>
[TestClass]
public sealed class LaplaceModeTests
{
    /// <summary>An engine bound from configuration to a model file that does not exist: loading it would throw.</summary>
    private static ServiceProvider Provider() => new ServiceCollection()
        .AddAfinPosterior(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Afin:ModelPath"] = "no-such-model.afin",
            ["Afin:Mode"] = "Laplace",
            ["Afin:SampleCount"] = "4",
            ["Afin:Seed"] = "5",
        }).Build().GetSection(AfinEngineOptions.SectionName))
        .BuildServiceProvider();

    [TestMethod]
    public void AnswersAreTheLibrarysLaplaceApproximationsAndNeedNoModel()
    {
        using var provider = Provider();
        var engine = (AfinPosteriorEngine)provider.GetRequiredService<IAfinPosteriorEngine>();
        var problems = AfinPosteriorEngineTests.Problems(4, 12);
        var single = engine.Infer(problems[0]);
        var batch = engine.InferBatch(problems);
        CollectionAssert.AreEqual(AfinInference.RunLaplace(problems[0]).Sample(4, 5), single.Samples);
        for (int i = 0; i < problems.Length; i++)
        {
            var exact = ExactPosterior.Compute(problems[i]);
            var result = batch[i];
            Assert.AreEqual(InferenceMethod.Laplace, result.Method);
            StringAssert.StartsWith(result.Reason, "Laplace mode: ");
            Assert.IsTrue(result.InTrainingRange);
            Assert.IsTrue(double.IsNaN(result.ParetoK));
            for (int j = 0; j < exact.Mean.Length; j++)
            {
                Assert.AreEqual(exact.Mean[j], result.Mean[j], 1e-9 * exact.StdDev[j], $"problem {i} mean[{j}]");
                Assert.AreEqual(exact.StdDev[j], result.StdDev[j], 1e-9 * exact.StdDev[j], $"problem {i} std[{j}]");
            }
            // Problem i of a batch draws with Seed + i, as in the network's modes.
            CollectionAssert.AreEqual(AfinInference.RunLaplace(problems[i]).Sample(4, 5 + i), result.Samples, $"problem {i} samples");
        }
        Assert.AreEqual(0, engine.ForwardPasses);
        Assert.AreEqual(5, engine.ProblemsInferred);
        Assert.ThrowsExactly<FileNotFoundException>(() => engine.Model, "the model is loaded only when asked for, and this one does not exist");
    }

    [TestMethod]
    public async Task CancelledAndDisposedRequestsFail()
    {
        using var provider = Provider();
        var engine = (AfinPosteriorEngine)provider.GetRequiredService<IAfinPosteriorEngine>();
        var problem = AfinPosteriorEngineTests.Problems(1, 13)[0];
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAsync<OperationCanceledException>(() => engine.InferAsync(problem, cancelled.Token));
        engine.Dispose();
        await Assert.ThrowsExactlyAsync<ObjectDisposedException>(() => engine.InferBatchAsync([problem]));
    }
}
