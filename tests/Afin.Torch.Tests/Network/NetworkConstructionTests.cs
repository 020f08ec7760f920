using Afin.Modelling;
using Afin.Network;
using TorchSharp;
using static Afin.Tests.Network.NetworkTestKit;
using static TorchSharp.torch;

namespace Afin.Tests.Network;

[TestClass]
public sealed class NetworkConstructionTests
{
    [TestMethod]
    public void SameSeedGivesIdenticalParametersAndOutputs()
    {
        var options = Tiny(PosteriorFamily.Flow);
        torch.manual_seed(123);
        using var a = new AfinNetwork(options);
        torch.manual_seed(123);
        using var b = new AfinNetwork(options);
        var pa = a.named_parameters().ToList();
        var pb = b.named_parameters().ToList();
        Assert.HasCount(pa.Count, pb);
        for (int i = 0; i < pa.Count; i++)
        {
            Assert.AreEqual(pa[i].name, pb[i].name);
            Assert.IsTrue(pa[i].parameter.allclose(pb[i].parameter, 0, 0), pa[i].name);
        }
        torch.manual_seed(124);
        using var c = new AfinNetwork(options);
        Assert.IsFalse(pa[0].parameter.allclose(c.parameters().First(), 0, 0));

        var rng = new Random(61);
        var problem = Mixed(rng, 3, "gaussian", ("linear_gaussian", 2));
        var pts = RandomPoints(rng, 3, 3);
        using var pa2 = Perturbed(options, seed: 5);
        using var pb2 = Perturbed(options, seed: 5);
        Assert.AreEqual(0, MaxAbsDiff(pa2.Infer([problem])[0].LogDensity(pts), pb2.Infer([problem])[0].LogDensity(pts)));
    }

    [TestMethod]
    public void ReferenceConfigurationHasThePublishedParameterCount()
    {
        using var net = new AfinNetwork(AfinNetworkOptions.Reference);
        Assert.AreEqual(5_174_501L, net.ParameterCount);
        Assert.AreEqual(8, AfinNetworkOptions.Reference.AttentionHeads);
    }

    [TestMethod]
    public void TrainableParametersExcludeTheUnusedDecoder()
    {
        using var gaussian = new AfinNetwork(Tiny(PosteriorFamily.Gaussian));
        using var flow = new AfinNetwork(Tiny(PosteriorFamily.Flow));
        long Count(IEnumerable<TorchSharp.Modules.Parameter> ps) => ps.Sum(p => p.numel());
        Assert.IsLessThan(gaussian.ParameterCount, Count(gaussian.TrainableParameters()));
        Assert.IsLessThan(flow.ParameterCount, Count(flow.TrainableParameters()));
        var names = gaussian.named_parameters().Select(p => p.name).ToList();
        CollectionAssert.Contains(names, "merge.blocks.0.score_mix_logits");
        CollectionAssert.Contains(names, "encoder.layers.0.pair_refine.mlp.2.weight");
        CollectionAssert.Contains(names, "flow.steps.1.param_head.mlp.2.bias");
    }

    [TestMethod]
    [DataRow(1, "0 0 0 0")]
    [DataRow(2, "10 01 01 10")]
    [DataRow(5, "11000 11001 01001 11100")]
    [DataRow(9, "110001001 110011100 000001111 111010100")]
    [DataRow(16, "1100000000111111 1110111100000001 0000011111111000 1110000000011111")]
    public void CouplingMasksMatchTheReferenceFloat32Hash(int d, string expected)
    {
        var masks = Enumerable.Range(0, 4)
            .Select(k => string.Concat(Afin.Network.Modules.CouplingMask.Get(k, d).Select(v => v > 0.5f ? '1' : '0')));
        Assert.AreEqual(expected, string.Join(" ", masks));
    }

    [TestMethod]
    public void ValidateNamesTheBadOption()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new AfinNetworkOptions { MlpLayers = 1 }.Validate());
        Assert.AreEqual("MlpLayers", e.ParamName);
        e = Assert.ThrowsExactly<ArgumentException>(() => new AfinNetworkOptions { MaxLogScale = 0 }.Validate());
        Assert.AreEqual("MaxLogScale", e.ParamName);
        new AfinNetworkOptions().Validate();
        AfinNetworkOptions.Reference.Validate();
    }

    [TestMethod]
    public void FlowStrengthIsClampedToTheUnitInterval()
    {
        using var net = new AfinNetwork(Tiny(PosteriorFamily.Flow));
        net.FlowStrength = 2;
        Assert.AreEqual(1.0, net.FlowStrength);
        net.FlowStrength = -1;
        Assert.AreEqual(0.0, net.FlowStrength);
    }

    [TestMethod]
    public void DefaultNetworkRunsAProblemOfTheDefaultSize()
    {
        var rng = new Random(62);
        torch.manual_seed(0);
        using var net = new AfinNetwork(new AfinNetworkOptions());
        var problem = Mixed(rng, 4, "gaussian", ("bernoulli_logit", 8));
        var q = net.Infer([problem])[0];
        Assert.AreEqual(4, q.Dimension);
        Assert.IsInstanceOfType<GaussianAfinPosterior>(q);
        _ = problem is BayesianProblem;
    }
}
