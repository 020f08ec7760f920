using Afin.Canonical;
using Afin.Engine;
using Afin.Modelling;
using Afin.Network;
using static Afin.Tests.Engine.EngineTestKit;

namespace Afin.Tests.Engine;

[TestClass]
public sealed class EngineConcurrencyTests
{
    /// <summary>
    /// Eight threads infer (and sample, and evaluate densities) on one managed network at once; each thread's answers must
    /// be bit for bit those of a sequential run: every thread has its own scratch memory and nothing else is shared but
    /// read-only weights.
    /// </summary>
    [TestMethod]
    [DataRow(PosteriorFamily.Gaussian)]
    [DataRow(PosteriorFamily.Flow)]
    public void ConcurrentInferenceEqualsSequential(PosteriorFamily family)
    {
        using var torchNet = RandomNetwork(AfinArchitecture.Pooled, family, LatentCoordinates.Full, seed: 31, siteLayers: 1);
        var managed = Managed(torchNet);
        var rng = new Random(32);
        var problems = Enumerable.Range(0, 24).Select(k => RandomProblem(rng, Dimensions[k % 4], SiteCounts[k / 4 % 4])).ToArray();
        var points = problems.Select(p => TestProblems.RandomMatrix(rng, 3, p.Dimension)).ToArray();
        var sequential = problems.Select((p, k) => Answer(managed.Infer(p), points[k])).ToArray();

        const int threads = 8;
        var answers = new double[threads][][];
        var failures = new Exception?[threads];
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            // Each thread walks the problems from its own starting point, so different problems run at the same time.
            answers[t] = new double[problems.Length][];
            try
            {
                for (int s = 0; s < problems.Length; s++)
                {
                    int k = (s + 3 * t) % problems.Length;
                    answers[t][k] = Answer(managed.Infer(problems[k]), points[k]);
                }
            }
            catch (Exception e)
            {
                failures[t] = e;
            }
        })).ToArray();
        foreach (var worker in workers)
        {
            worker.Start();
        }
        foreach (var worker in workers)
        {
            worker.Join();
        }
        for (int t = 0; t < threads; t++)
        {
            Assert.IsNull(failures[t], $"thread {t} failed: {failures[t]}");
            for (int k = 0; k < problems.Length; k++)
            {
                CollectionAssert.AreEqual(sequential[k], answers[t][k], $"thread {t}, problem {k}");
            }
        }
        // A batch spread over the cores gives the same answers too.
        var batched = managed.Infer(problems);
        for (int k = 0; k < problems.Length; k++)
        {
            CollectionAssert.AreEqual(sequential[k], Answer(batched[k], points[k]), $"batched, problem {k}");
        }
    }

    /// <summary>Everything a caller reads from a posterior: mean, covariance, draws for a seed, densities.</summary>
    private static double[] Answer(AfinPosterior q, double[,] points) =>
        [.. q.Mean, .. Flatten(q.Covariance), .. Flatten(q.Sample(5, seed: 11)), .. q.LogDensity(points)];
}
