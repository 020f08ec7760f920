using Afin.Network;
using TorchSharp;
using static Afin.Tests.Network.NetworkTestKit;
using static TorchSharp.torch;

namespace Afin.Tests.Network;

[TestClass]
public sealed class FamilyCoverageTests
{
    private static readonly Dictionary<string, string> PriorNets = new()
    {
        ["gaussian"] = "diag_gaussian", ["full_rank_gaussian"] = "fullrank_gaussian", ["student_t"] = "diag_student_t", ["laplace"] = "diag_laplace",
    };

    private static readonly Dictionary<string, string> SiteNets = new()
    {
        ["linear_gaussian"] = "gaussian", ["bernoulli_logit"] = "bernoulli_logit", ["binomial_logit"] = "binomial_logit",
        ["linear_student_t"] = "student_t", ["direct_gaussian"] = "gaussian_no_x",
    };

    [TestMethod]
    [DataRow(PosteriorFamily.Gaussian)]
    [DataRow(PosteriorFamily.Flow)]
    public void EveryFamilyGivesFiniteOutputsAndGradientsReachItsAdapters(PosteriorFamily family)
    {
        var rng = new Random(51);
        // Each prior family once (one prior-only, N = 0), each likelihood family alone and in a mix.
        var problems = new[]
        {
            Mixed(rng, 3, "gaussian"),
            Mixed(rng, 3, "full_rank_gaussian", ("linear_gaussian", 2)),
            Mixed(rng, 3, "student_t", ("bernoulli_logit", 2), ("binomial_logit", 1)),
            Mixed(rng, 3, "laplace", ("linear_student_t", 1), ("direct_gaussian", 2), ("linear_gaussian", 1)),
            Mixed(rng, 3, "gaussian", ("direct_gaussian", 1)),
        };
        using var net = Perturbed(Tiny(family));
        using var scope = NewDisposeScope();
        using var batch = FactorBatch.Create(problems, CPU);
        var logq = net.LogProb(batch, randn(problems.Length, 3, dtype: ScalarType.Float64));
        CollectionAssert.AreEqual(new long[] { problems.Length }, logq.shape);
        Assert.IsTrue(logq.isfinite().all().ToBoolean(), "log q must be finite");
        (-logq.mean() / 3).backward();

        var grads = net.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad);
        foreach (var kind in new[] { "node", "pair" })
        {
            foreach (var name in PriorNets.Values)
            {
                AssertHasGradient(grads, $"adapter.prior_{kind}_nets.{name}.mlp.0.weight");
                AssertHasGradient(grads, $"adapter.prior_{kind}_nets.{name}.mlp.2.weight");
            }
            foreach (var name in SiteNets.Values)
            {
                AssertHasGradient(grads, $"adapter.like_{kind}_nets.{name}.mlp.0.weight");
                AssertHasGradient(grads, $"adapter.like_{kind}_nets.{name}.mlp.2.weight");
            }
        }

        foreach (var q in net.Infer(problems))
        {
            if (q is GaussianAfinPosterior)
            {
                Assert.IsTrue(q.Mean.All(double.IsFinite));
            }
            Assert.IsTrue(q.Sample(3, 1).Cast<double>().All(double.IsFinite));
            Assert.IsTrue(q.LogDensity(RandomPoints(rng, 2, 3)).All(double.IsFinite));
        }
    }

    [TestMethod]
    public void EveryPairOfFamiliesRunsThroughInfer()
    {
        var rng = new Random(52);
        var problems = PriorNets.Keys.SelectMany(p => SiteNets.Keys.Select(s => Mixed(rng, 2, p, (s, 2)))).ToArray();
        using var net = Perturbed(Tiny(PosteriorFamily.Gaussian));
        var qs = net.Infer(problems);
        Assert.HasCount(problems.Length, qs);
        Assert.IsTrue(qs.All(q => q.Mean.All(double.IsFinite) && q.Covariance[1, 1] > 0));
    }

    private static void AssertHasGradient(Dictionary<string, Tensor?> grads, string name)
    {
        Assert.IsTrue(grads.TryGetValue(name, out var g), $"missing parameter {name}");
        Assert.IsNotNull(g, $"no gradient for {name}");
        Assert.IsTrue(g.isfinite().all().ToBoolean(), $"non-finite gradient for {name}");
        Assert.IsGreaterThan(0.0, g.abs().max().ToDouble(), $"zero gradient for {name}");
    }
}
