using Afin.Modelling;
using Afin.Network;
using TorchSharp;
using static Afin.Tests.Network.NetworkTestKit;
using static TorchSharp.torch;

namespace Afin.Tests.Network;

[TestClass]
public sealed class InferenceTests
{
    private static BayesianProblem[] Assorted()
    {
        var rng = new Random(41);
        return
        [
            Mixed(rng, 3, "full_rank_gaussian", ("linear_gaussian", 3), ("direct_gaussian", 1)),
            Mixed(rng, 2, "gaussian", ("bernoulli_logit", 4)),
            Mixed(rng, 3, "laplace"),
            Mixed(rng, 3, "student_t", ("binomial_logit", 1), ("linear_student_t", 2), ("bernoulli_logit", 2)),
            Mixed(rng, 2, "full_rank_gaussian", ("direct_gaussian", 2)),
            Mixed(rng, 1, "gaussian", ("linear_gaussian", 2)),
            Mixed(rng, 3, "gaussian", ("linear_gaussian", 1)),
        ];
    }

    [TestMethod]
    [DataRow(PosteriorFamily.Gaussian)]
    [DataRow(PosteriorFamily.Flow)]
    public void BatchedInferenceEqualsOneByOne(PosteriorFamily family)
    {
        var problems = Assorted();
        using var net = Perturbed(Tiny(family));
        var batched = net.Infer(problems);
        var small = net.Infer(problems, maxBatchSize: 2);
        var rng = new Random(42);
        for (int p = 0; p < problems.Length; p++)
        {
            var single = net.Infer([problems[p]])[0];
            Assert.AreEqual(family, batched[p].Family);
            Assert.AreEqual(problems[p].Dimension, batched[p].Dimension);
            var pts = RandomPoints(rng, 3, problems[p].Dimension);
            Assert.IsLessThan(1e-5, MaxAbsDiff(single.LogDensity(pts), batched[p].LogDensity(pts)), $"problem {p}");
            Assert.IsLessThan(1e-5, MaxAbsDiff(single.LogDensity(pts), small[p].LogDensity(pts)), $"problem {p}");
            Assert.IsLessThan(1e-5, MaxAbsDiff(single.Sample(4, 9), batched[p].Sample(4, 9)), $"problem {p}");
            if (family == PosteriorFamily.Gaussian)
            {
                Assert.IsLessThan(1e-5, MaxAbsDiff(single.Mean, batched[p].Mean));
                Assert.IsLessThan(1e-5, MaxAbsDiff(single.Covariance, batched[p].Covariance));
            }
        }
    }

    [TestMethod]
    public void PaddedBatchLogProbEqualsSingleProblemLogProb()
    {
        var rng = new Random(43);
        var problems = new[]
        {
            Mixed(rng, 3, "gaussian", ("linear_gaussian", 5)),
            Mixed(rng, 3, "laplace"),
            Mixed(rng, 3, "student_t", ("bernoulli_logit", 2)),
        };
        using var net = Perturbed(Tiny(PosteriorFamily.Flow));
        using var scope = NewDisposeScope();
        var z = randn(3, 3);
        using var batch = FactorBatch.Create(problems, CPU);
        Assert.AreEqual(3, batch.Count);
        Assert.AreEqual(3, batch.Dimension);
        var all = net.LogProb(batch, z).data<float>().ToArray();
        for (int p = 0; p < 3; p++)
        {
            using var one = FactorBatch.Create([problems[p]], CPU);
            Assert.AreEqual(net.LogProb(one, z[p].unsqueeze(0)).ToSingle(), all[p], 1e-5);
        }
    }

    [TestMethod]
    public void FactorBatchRejectsMixedDimensions()
    {
        var rng = new Random(44);
        Assert.ThrowsExactly<ArgumentException>(() =>
            FactorBatch.Create([Mixed(rng, 2, "gaussian"), Mixed(rng, 3, "gaussian")], CPU));
    }
}
