using Afin.Modelling;
using Afin.Network;
using static Afin.Tests.Network.NetworkTestKit;
using static TorchSharp.torch;

namespace Afin.Tests.Network;

/// <summary>The pooled architecture: few tokens whatever N is, and the same symmetries as the faithful network.</summary>
[TestClass]
public sealed class PooledArchitectureTests
{
    private static AfinNetworkOptions TinyPooled(PosteriorFamily family = PosteriorFamily.Gaussian, int siteLayers = 0) =>
        Tiny(family) with { Architecture = AfinArchitecture.Pooled, SiteLayers = siteLayers };

    [TestMethod]
    public void SitesOfOneFamilyShareOneTokenWhateverN()
    {
        var rng = new Random(51);
        var many = Mixed(rng, 3, "gaussian", ("linear_gaussian", 40));
        var mixed = Mixed(rng, 3, "gaussian", ("linear_gaussian", 2), ("bernoulli_logit", 5), ("linear_gaussian", 1), ("binomial_logit", 3));
        using (var pooled = FactorBatch.Create([many], CPU, AfinArchitecture.Pooled))
        using (var faithful = FactorBatch.Create([many], CPU, AfinArchitecture.Faithful))
        {
            Assert.AreEqual(1, pooled.SiteTokens);
            Assert.AreEqual(40, faithful.SiteTokens);
        }
        using (var batch = FactorBatch.Create([many, mixed], CPU, AfinArchitecture.Pooled))
        {
            Assert.AreEqual(3, batch.SiteTokens, "linear, Bernoulli and binomial tokens");
            // The first problem has only linear-Gaussian sites: its other family tokens are masked out.
            CollectionAssert.AreEqual(new[] { true, true, false, false, true, true, true, true }, batch.FactorMask.data<bool>().ToArray());
        }
    }

    [TestMethod]
    [DataRow(0)]
    [DataRow(2)]
    public void PosteriorIsInvariantToTheOrderAndGroupingOfSites(int siteLayers)
    {
        var rng = new Random(52);
        var problem = Mixed(rng, 3, "student_t", ("linear_gaussian", 4), ("bernoulli_logit", 3), ("linear_student_t", 2));
        var blocks = problem.Blocks;
        // Reverse the blocks and split the linear-Gaussian block in two: the same factors, in another order and grouping.
        var linear = (LinearGaussianBlock)blocks[0];
        var reordered = BayesianProblem.Create(problem.Prior,
        [
            blocks[2], blocks[1],
            new LinearGaussianBlock(Rows(linear.X, 2, 4), linear.Y[2..], Part(linear.Sigma, 2, 4)),
            new LinearGaussianBlock(Rows(linear.X, 0, 2), linear.Y[..2], Part(linear.Sigma, 0, 2)),
        ], 3);
        using var net = Perturbed(TinyPooled(siteLayers: siteLayers));
        var q = net.Infer([problem, reordered]);
        Assert.IsGreaterThan(1e-3, q[0].Mean.Select(Math.Abs).Max(), "the perturbed network should give a non-trivial mean");
        Assert.IsLessThan(1e-5, MaxAbsDiff(q[0].Mean, q[1].Mean));
        Assert.IsLessThan(1e-5, MaxAbsDiff(q[0].Covariance, q[1].Covariance));
    }

    [TestMethod]
    [DataRow(0)]
    [DataRow(1)]
    public void PosteriorPermutesWithCoordinates(int siteLayers)
    {
        int[] perm = [2, 0, 3, 1];
        var rng = new Random(53);
        var problem = Mixed(rng, 4, "full_rank_gaussian", ("linear_gaussian", 3), ("direct_gaussian", 1), ("binomial_logit", 2));
        using var net = Perturbed(TinyPooled(siteLayers: siteLayers));
        var q = net.Infer([problem, Permute(problem, perm)]);
        Assert.IsLessThan(1e-5, MaxAbsDiff(perm.Select(i => q[0].Mean[i]).ToArray(), q[1].Mean));
        Assert.IsLessThan(1e-5, MaxAbsDiff(PermuteMatrix(q[0].Covariance, perm), q[1].Covariance));
    }

    [TestMethod]
    [DataRow(PosteriorFamily.Gaussian)]
    [DataRow(PosteriorFamily.Flow)]
    public void BatchedInferenceEqualsOneByOne(PosteriorFamily family)
    {
        // Batching changes which family tokens exist and in which order; masking and the order-free merge must hide it.
        var rng = new Random(54);
        BayesianProblem[] problems =
        [
            Mixed(rng, 3, "gaussian", ("bernoulli_logit", 6)),
            Mixed(rng, 3, "laplace"),
            Mixed(rng, 3, "full_rank_gaussian", ("linear_student_t", 2), ("linear_gaussian", 9)),
            Mixed(rng, 3, "student_t", ("direct_gaussian", 1), ("bernoulli_logit", 1)),
        ];
        using var net = Perturbed(TinyPooled(family));
        var batched = net.Infer(problems);
        var points = RandomPoints(rng, 4, 3);
        for (int p = 0; p < problems.Length; p++)
        {
            var single = net.Infer([problems[p]])[0];
            // float32 sums over differently shaped batches: agree to rounding, not bit for bit.
            Assert.IsLessThan(1e-4, MaxAbsDiff(single.LogDensity(points), batched[p].LogDensity(points)), $"problem {p}");
        }
    }

    [TestMethod]
    public void SiteLayersAddParametersOnlyWhenAskedFor()
    {
        using var plain = new AfinNetwork(TinyPooled());
        using var refined = new AfinNetwork(TinyPooled(siteLayers: 1));
        var plainNames = plain.named_parameters().Select(p => p.name).ToHashSet();
        var added = refined.named_parameters().Select(p => p.name).Where(n => !plainNames.Contains(n)).ToArray();
        Assert.IsTrue(added.Length > 0 && added.All(n => n.StartsWith("adapter.site_refine.", StringComparison.Ordinal)), string.Join(", ", added));
        Assert.AreEqual(plainNames.Count, plainNames.Intersect(refined.named_parameters().Select(p => p.name)).Count());
    }

    [TestMethod]
    public void NetworkRejectsABatchBuiltForTheOtherArchitecture()
    {
        var rng = new Random(55);
        var problem = Mixed(rng, 2, "gaussian", ("linear_gaussian", 3));
        using var net = Perturbed(TinyPooled());
        using var batch = FactorBatch.Create([problem], CPU, AfinArchitecture.Faithful);
        var e = Assert.ThrowsExactly<ArgumentException>(() => net.forward(batch));
        StringAssert.Contains(e.Message, "Faithful");
        StringAssert.Contains(e.Message, "Pooled");
    }

    [TestMethod]
    public void PooledForwardCostDoesNotGrowWithTheEncoderAndMergeWork()
    {
        // Everything after the adapters runs on 2 tokens, so going from 16 to 256 sites adds only adapter work.
        var faithful = Tiny(PosteriorFamily.Gaussian);
        var pooled = TinyPooled();
        long faithfulGrowth = NetworkCost.MultiplyAdds(faithful, 8, 256) - NetworkCost.MultiplyAdds(faithful, 8, 16);
        long pooledGrowth = NetworkCost.MultiplyAdds(pooled, 8, 256) - NetworkCost.MultiplyAdds(pooled, 8, 16);
        long adapterGrowth = NetworkCost.MultiplyAdds(pooled with { EncoderLayers = 0, MergeBlocks = 0 }, 8, 256)
            - NetworkCost.MultiplyAdds(pooled with { EncoderLayers = 0, MergeBlocks = 0 }, 8, 16);
        Assert.AreEqual(adapterGrowth, pooledGrowth);
        Assert.IsGreaterThan(5 * pooledGrowth, faithfulGrowth);
    }

    private static double[] Part(double[] perRow, int from, int to) => perRow.Length == 1 ? perRow : perRow[from..to];

    private static double[,] Rows(double[,] x, int from, int to)
    {
        var rows = new double[to - from, x.GetLength(1)];
        for (int r = from; r < to; r++)
        {
            for (int c = 0; c < x.GetLength(1); c++)
            {
                rows[r - from, c] = x[r, c];
            }
        }
        return rows;
    }
}
