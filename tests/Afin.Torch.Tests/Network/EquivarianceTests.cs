using Afin.Network;
using TorchSharp;
using static Afin.Tests.Network.NetworkTestKit;
using static TorchSharp.torch;

namespace Afin.Tests.Network;

[TestClass]
public sealed class EquivarianceTests
{
    private static readonly int[] Perm = [2, 0, 3, 1];

    [TestMethod]
    [DataRow("full_rank_gaussian")]
    [DataRow("student_t")]
    public void GaussianMeanAndCovariancePermuteWithCoordinates(string prior)
    {
        var rng = new Random(11);
        var problem = Mixed(rng, 4, prior, ("linear_gaussian", 2), ("direct_gaussian", 1), ("bernoulli_logit", 1), ("binomial_logit", 1), ("linear_student_t", 1));
        var permuted = Permute(problem, Perm);
        using var net = Perturbed(Tiny(PosteriorFamily.Gaussian));

        var q = net.Infer([problem, permuted]);
        var mean = q[0].Mean;
        var cov = q[0].Covariance;
        Assert.IsGreaterThan(1e-3, mean.Select(Math.Abs).Max(), "the perturbed network should give a non-trivial mean");
        Assert.IsLessThan(1e-5, MaxAbsDiff(Perm.Select(i => mean[i]).ToArray(), q[1].Mean));
        Assert.IsLessThan(1e-5, MaxAbsDiff(PermuteMatrix(cov, Perm), q[1].Covariance));
    }

    [TestMethod]
    public void FlowContextIsEquivariantAndAffineOnlyFlowDensityIsInvariant()
    {
        var rng = new Random(12);
        var problem = Mixed(rng, 4, "laplace", ("linear_gaussian", 2), ("direct_gaussian", 2), ("bernoulli_logit", 1));
        var permuted = Permute(problem, Perm);

        // Contexts of the full flow network permute with the coordinates.
        using (var net = Perturbed(Tiny(PosteriorFamily.Flow)))
        using (var scope = NewDisposeScope())
        using (var batch = FactorBatch.Create([problem, permuted], CPU))
        using (no_grad())
        {
            var output = net.forward(batch);
            var index = tensor(Perm.Select(i => (long)i).ToArray());
            var node = output.NodeContext!;
            Assert.IsLessThan(1e-5, (node[0].index_select(0, index) - node[1]).abs().max().ToDouble());
            var pair = output.PairContext!;
            var pairPerm = pair[0].index_select(0, index).index_select(1, index);
            Assert.IsLessThan(1e-5, (pairPerm - pair[1]).abs().max().ToDouble());
            Assert.IsLessThan(1e-5, (output.Shift![0].index_select(0, index) - output.Shift[1]).abs().max().ToDouble());
            Assert.IsLessThan(1e-5, (output.LogScale![0].index_select(0, index) - output.LogScale[1]).abs().max().ToDouble());
        }

        // Without couplings (whose fixed per-position masks are not permutation-equivariant, as in the reference),
        // the flow density is exactly invariant.
        using var affineOnly = Perturbed(Tiny(PosteriorFamily.Flow, flowSteps: 0));
        var q = affineOnly.Infer([problem, permuted]);
        var points = RandomPoints(rng, 5, 4);
        var permutedPoints = new double[5, 4];
        for (int n = 0; n < 5; n++)
        {
            for (int a = 0; a < 4; a++)
            {
                permutedPoints[n, a] = points[n, Perm[a]];
            }
        }
        Assert.IsLessThan(1e-4, MaxAbsDiff(q[0].LogDensity(points), q[1].LogDensity(permutedPoints)));
    }

    [TestMethod]
    public void PairTokensAreSymmetricAfterAdapterEncoderAndMerge()
    {
        var rng = new Random(13);
        var problems = new[]
        {
            Mixed(rng, 3, "full_rank_gaussian", ("linear_gaussian", 2), ("direct_gaussian", 1)),
            Mixed(rng, 3, "gaussian", ("binomial_logit", 1)),
        };
        var options = Tiny(PosteriorFamily.Gaussian) with { EncoderLayers = 2 };
        using var net = Perturbed(options);
        using var scope = NewDisposeScope();
        using var batch = FactorBatch.Create(problems, CPU);
        using var _ = no_grad();
        Assert.IsLessThan(1e-7, MaxAsymmetry(net.AdaptTokens(batch).Pair));
        Assert.IsLessThan(1e-7, MaxAsymmetry(net.EncodeTokens(batch).Pair));
        Assert.IsLessThan(1e-7, MaxAsymmetry(net.MergeTokens(batch).Pair));
        Assert.IsLessThan(1e-7, MaxAsymmetry(net.Features(batch).Pair));
        Assert.IsGreaterThan(1e-3, net.MergeTokens(batch).Pair.abs().max().ToDouble());
    }
}
