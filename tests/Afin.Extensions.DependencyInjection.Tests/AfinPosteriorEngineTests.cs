using Afin.References;
using System.Collections.Concurrent;
using Afin.Extensions.DependencyInjection;
using Afin.Inference;
using Afin.MLNet.Tests;
using Afin.Modelling;
using Afin.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Afin.Extensions.DependencyInjection.Tests;

[TestClass]
public sealed class AfinPosteriorEngineTests
{
    /// <summary>Linear-Gaussian problems with d 1..3 and N 1..6 (inside the tiny model's training range).</summary>
    /// <summary>Small logistic regressions (d 1..3, N 4..9): not conjugate, so every mode runs the network on them.</summary>
    internal static BayesianProblem[] LogisticProblems(int count, int seed)
    {
        var random = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return Enumerable.Range(0, count).Select(_ =>
        {
            int d = 1 + random.Next(3);
            int n = 4 + random.Next(6);
            var x = new double[n, d];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < d; j++)
                {
                    x[i, j] = Normal();
                }
            }
            var y = Enumerable.Range(0, n).Select(_ => (double)random.Next(2)).ToArray();
            return BayesianProblem.Create(new GaussianPrior(0, 1.5), [new BernoulliLogitBlock(x, y)]);
        }).ToArray();
    }

    /// <summary>Small linear-Gaussian regressions with known noise (d 1..3, N 1..6): conjugate.</summary>
    internal static BayesianProblem[] Problems(int count, int seed)
    {
        var random = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return Enumerable.Range(0, count).Select(_ =>
        {
            int d = 1 + random.Next(3);
            int n = 1 + random.Next(6);
            var x = new double[n, d];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < d; j++)
                {
                    x[i, j] = Normal();
                }
            }
            var y = Enumerable.Range(0, n).Select(_ => Normal()).ToArray();
            return BayesianProblem.Create(new GaussianPrior(0.2 * Normal(), 1 + random.NextDouble()), [new LinearGaussianBlock(x, y, 0.5)]);
        }).ToArray();
    }

    private static void AssertClose(double[] expected, double[] actual, string what)
    {
        Assert.HasCount(expected.Length, actual, what);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.AreEqual(expected[i], actual[i], 1e-5 * (1 + Math.Abs(expected[i])), $"{what}[{i}]");
        }
    }

    private static double[] Flat(double[,]? m) => m is null ? [] : m.Cast<double>().ToArray();

    private static void AssertSame(AfinPosteriorResult expected, AfinPosteriorResult actual, string what)
    {
        AssertClose(expected.Mean, actual.Mean, what + " mean");
        AssertClose(expected.StdDev, actual.StdDev, what + " std");
        AssertClose(Flat(expected.Covariance), Flat(actual.Covariance), what + " covariance");
        AssertClose(Flat(expected.Samples), Flat(actual.Samples), what + " samples");
        Assert.AreEqual(expected.InTrainingRange, actual.InTrainingRange, what + " range");
    }

    [TestMethod]
    public async Task ResolvesFromServiceCollectionAndLoadsTheModelOnce()
    {
        var services = new ServiceCollection();
        services.AddAfinPosterior(o =>
        {
            o.ModelPath = TestModel.Path;
            o.Mode = InferenceMode.Amortized;
        });
        using var provider = services.BuildServiceProvider();
        var engine = provider.GetRequiredService<IAfinPosteriorEngine>();
        Assert.AreSame(engine, provider.GetRequiredService<IAfinPosteriorEngine>());
        var model = provider.GetRequiredService<AfinModel>();
        Assert.AreSame(model, engine.Model);
        Assert.AreSame(model, provider.GetRequiredService<AfinModel>());
        Assert.IsInstanceOfType<AfinPosteriorEngine>(engine);

        var problem = Problems(1, 5)[0];
        var result = await engine.InferAsync(problem);
        var direct = model.Infer(problem);
        AssertClose(direct.Mean, result.Mean, "mean");
        AssertClose(Flat(direct.Covariance), Flat(result.Covariance), "covariance");
        Assert.IsTrue(result.InTrainingRange);
        Assert.IsNull(result.Samples);
        Assert.AreEqual(problem.Dimension, result.Dimension);
    }

    [TestMethod]
    public void BindsOptionsFromConfiguration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Afin:ModelPath"] = TestModel.Path,
            ["Afin:Device"] = "cpu",
            ["Afin:BatchSize"] = "7",
            ["Afin:SampleCount"] = "5",
            ["Afin:Seed"] = "3",
            ["Afin:MaxBatchDelayMilliseconds"] = "1",
            ["Afin:Mode"] = "Amortized",
        }).Build();
        var services = new ServiceCollection();
        services.AddAfinPosterior(configuration.GetSection(AfinEngineOptions.SectionName));
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<AfinEngineOptions>>().Value;
        Assert.AreEqual(TestModel.Path, options.ModelPath);
        Assert.AreEqual(7, options.BatchSize);
        Assert.AreEqual(5, options.SampleCount);
        Assert.AreEqual(3, options.Seed);
        Assert.AreEqual(1, options.MaxBatchDelayMilliseconds);

        var engine = provider.GetRequiredService<IAfinPosteriorEngine>();
        var problems = Problems(3, 8);
        var single = engine.Infer(problems[0]);
        Assert.AreEqual(5, single.Samples!.GetLength(0));
        AssertClose(Flat(engine.Model.Infer(problems[0]).Sample(5, 3)), Flat(single.Samples), "single samples (seed 3)");
        var batch = engine.InferBatch(problems);
        Assert.HasCount(3, batch);
        for (int i = 0; i < problems.Length; i++)
        {
            AssertClose(Flat(engine.Model.Infer(problems[i]).Sample(5, 3 + i)), Flat(batch[i].Samples), $"batch samples {i} (seed 3 + {i})");
        }
    }

    [TestMethod]
    public void ModesFromConfigurationCheckEveryAnswerAndSayHow()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Afin:ModelPath"] = TestModel.Path,
            ["Afin:Mode"] = "Corrected",
            ["Afin:ProposalDraws"] = "500",
        }).Build();
        var services = new ServiceCollection();
        services.AddAfinPosterior(configuration.GetSection(AfinEngineOptions.SectionName));
        using var provider = services.BuildServiceProvider();
        var engine = provider.GetRequiredService<IAfinPosteriorEngine>();
        var problems = LogisticProblems(3, 9);
        var results = engine.InferBatch(problems);
        for (int i = 0; i < problems.Length; i++)
        {
            // The engine's answer is the library's Corrected-mode answer for the same seed (Seed + i).
            var expected = AfinInference.Run(engine.Model, problems[i], InferenceMode.Corrected, new AutoInferenceOptions { ProposalDraws = 500, Seed = i });
            Assert.AreEqual(InferenceMethod.ImportanceSampling, results[i].Method, results[i].Reason);
            StringAssert.StartsWith(results[i].Reason, "Corrected mode");
            Assert.IsTrue(double.IsFinite(results[i].ParetoK) && results[i].EffectiveSampleSize > 1, $"k-hat {results[i].ParetoK}, ESS {results[i].EffectiveSampleSize}");
            AssertClose(expected.Mean, results[i].Mean, $"problem {i} mean");
        }

        var model = AfinModel.Load(TestModel.Path);
        using var amortized = new AfinPosteriorEngine(model, new AfinEngineOptions { Mode = InferenceMode.Amortized });
        var plain = amortized.Infer(problems[0]);
        Assert.AreEqual(InferenceMethod.Amortized, plain.Method);
        Assert.IsTrue(double.IsFinite(plain.ParetoK), "Amortized mode reports the k-hat of a quick check");
        StringAssert.Contains(plain.Reason, "quick importance check");
    }

    [TestMethod]
    public void InvalidConfigurationIsReportedWhenResolved()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Afin:ModelPath"] = TestModel.Path,
            ["Afin:BatchSize"] = "0",
            ["Afin:SampleCount"] = "-1",
            ["Afin:ProposalDraws"] = "3",
        }).Build();
        var services = new ServiceCollection();
        services.AddAfinPosterior(configuration.GetSection("Afin"));
        using var provider = services.BuildServiceProvider();
        var error = Assert.ThrowsExactly<OptionsValidationException>(() => provider.GetRequiredService<IAfinPosteriorEngine>());
        StringAssert.Contains(error.Message, "BatchSize");
        StringAssert.Contains(error.Message, "SampleCount");
        StringAssert.Contains(error.Message, "ProposalDraws");
    }

    [TestMethod]
    public void ModelRegisteredBeforehandIsUsed()
    {
        var model = AfinModel.Load(TestModel.Path);
        var services = new ServiceCollection();
        services.AddSingleton(model);
        services.AddAfinPosterior();
        using (var provider = services.BuildServiceProvider())
        {
            Assert.AreSame(model, provider.GetRequiredService<IAfinPosteriorEngine>().Model);
        }
        // The container did not create the model, so it did not dispose it: it still works.
        Assert.AreEqual(1, model.Infer(Problems(1, 1)[0]).Dimension > 0 ? 1 : 0);
    }

    [TestMethod]
    public void DefaultEngineAnswersPerGroupLinearRegressionsExactlyWithoutAForwardPass()
    {
        var model = AfinModel.Load(TestModel.Path);
        using var engine = new AfinPosteriorEngine(model);
        var problems = Problems(6, 4);
        var results = engine.InferBatch(problems);
        for (int i = 0; i < problems.Length; i++)
        {
            var exact = ExactPosterior.Compute(problems[i]);
            Assert.AreEqual(InferenceMethod.Exact, results[i].Method, results[i].Reason);
            for (int j = 0; j < problems[i].Dimension; j++)
            {
                Assert.AreEqual(exact.Mean[j], results[i].Mean[j], 1e-8, $"problem {i}, mean {j}");
                Assert.AreEqual(exact.StdDev[j], results[i].StdDev[j], 1e-8, $"problem {i}, sd {j}");
            }
        }
        Assert.AreEqual(0, engine.ForwardPasses, "conjugate problems cost no forward pass");
        Assert.AreEqual(problems.Length, engine.ProblemsInferred);
    }

    [TestMethod]
    public void BatchRequestRunsInOneForwardPass()
    {
        var model = AfinModel.Load(TestModel.Path);
        using var engine = new AfinPosteriorEngine(model, new AfinEngineOptions { BatchSize = 64, Mode = InferenceMode.Amortized });
        var results = engine.InferBatch(Problems(10, 2));
        Assert.HasCount(10, results);
        Assert.AreEqual(1, engine.ForwardPasses);
        Assert.AreEqual(10, engine.ProblemsInferred);
        Assert.AreEqual(10, engine.LargestPass);
    }

    [TestMethod]
    public async Task ConcurrentRequestsGiveTheSequentialAnswers()
    {
        var services = new ServiceCollection();
        services.AddAfinPosterior(o =>
        {
            o.ModelPath = TestModel.Path;
            o.SampleCount = 3;
            o.Seed = 17;
            o.Mode = InferenceMode.Amortized;
        });
        using var provider = services.BuildServiceProvider();
        var engine = (AfinPosteriorEngine)provider.GetRequiredService<IAfinPosteriorEngine>();
        var problems = Problems(48, 99);
        var sequential = problems.Select(engine.Infer).ToArray();
        var batchSequential = engine.InferBatch(problems.Take(4).ToArray());
        long passesBefore = engine.ForwardPasses;

        const int threads = 16, perThread = 20;
        var failures = new ConcurrentQueue<string>();
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(async () =>
        {
            start.SignalAndWait();
            for (int k = 0; k < perThread; k++)
            {
                int p = (t * 7 + k * 5) % problems.Length;
                try
                {
                    switch (k % 3)
                    {
                        case 0:
                            AssertSame(sequential[p], engine.Infer(problems[p]), $"sync t{t} k{k}");
                            break;
                        case 1:
                            AssertSame(sequential[p], await engine.InferAsync(problems[p]), $"async t{t} k{k}");
                            break;
                        default:
                            var batch = await engine.InferBatchAsync(problems.Take(4).ToArray());
                            for (int i = 0; i < 4; i++)
                            {
                                AssertSame(batchSequential[i], batch[i], $"batch t{t} k{k} [{i}]");
                            }
                            break;
                    }
                }
                catch (Exception e)
                {
                    failures.Enqueue(e.Message);
                }
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap()).ToArray();
        await Task.WhenAll(workers);
        Assert.IsEmpty(failures, string.Join(Environment.NewLine, failures.Take(5)));
        long passes = engine.ForwardPasses - passesBefore;
        Console.WriteLine($"{threads * perThread} concurrent requests ran in {passes} forward passes (largest {engine.LargestPass} problems)");
        Assert.IsLessThanOrEqualTo(threads * perThread, passes);
    }

    [TestMethod]
    public async Task CancelledAndDisposedRequestsFail()
    {
        var model = AfinModel.Load(TestModel.Path);
        var engine = new AfinPosteriorEngine(model);
        var problem = Problems(1, 3)[0];
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAsync<OperationCanceledException>(() => engine.InferAsync(problem, cancelled.Token));
        engine.Dispose();
        await Assert.ThrowsExactlyAsync<ObjectDisposedException>(() => engine.InferAsync(problem));
    }
}
