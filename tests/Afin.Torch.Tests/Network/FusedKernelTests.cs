using Afin.Network;
using Afin.Network.Modules;
using TorchSharp;
using static Afin.Tests.Network.NetworkTestKit;
using static TorchSharp.torch;

namespace Afin.Tests.Network;

/// <summary>The kernel-count optimisations compute what the plain formulation computes.</summary>
[TestClass]
public sealed class FusedKernelTests
{
    [TestMethod]
    [DataRow(1, 2, 3)]   // small: inputs concatenated and projected by one kernel
    [DataRow(4, 9, 6)]   // large: projected part by part
    public void SharedBoxMapsEqualSeparateMaps(int batch, int tokens, int d)
    {
        const long c = 8;
        manual_seed(3);
        var maps = Enumerable.Range(0, 3).Select(_ => new BoxTensorMap(c, 16, 2, zeroInit: false)).ToArray();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var pair = randn(new long[] { batch, tokens, d, d, c });
        pair = (pair + pair.transpose(2, 3)) / 2;
        var node = randn(batch, tokens, d, c);
        bool small = batch * tokens * d * d * 6 * c <= Mlp.ConcatenatedInputLimit;
        Assert.AreEqual(batch == 1, small, "the two cases should take the two code paths");

        var shared = BoxTensorMap.ApplyShared(maps, pair, node);
        for (int m = 0; m < maps.Length; m++)
        {
            var (p, n) = maps[m].forward(pair, node);
            Assert.IsLessThan(1e-5, (shared[m].Pair - p).abs().max().ToDouble(), $"map {m} pair");
            Assert.IsLessThan(1e-5, (shared[m].Node - n).abs().max().ToDouble(), $"map {m} node");
        }
    }

    [TestMethod]
    public void ConcatenatedFirstLayerEqualsPartByPart()
    {
        manual_seed(4);
        var mlp = new Mlp(12, 5, 7, 2);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var a = randn(3, 4, 4);
        var b = randn(3, 1, 8);
        var small = mlp.FirstLayerSplit(a, b);
        var full = cat([a, b.expand(3, 4, 8)], -1);
        var reference = nn.functional.linear(full, mlp.Layer(0).weight!, mlp.Layer(0).bias);
        Assert.IsLessThan(1e-6, (small - reference).abs().max().ToDouble());
        var e = Assert.ThrowsExactly<ArgumentException>(() => mlp.FirstLayerSplit(a, a));
        StringAssert.Contains(e.Message, "expects 12");
    }

    [TestMethod]
    public void InferenceLeavesTheThreadCountAsItFoundIt()
    {
        int before = get_num_threads();
        var rng = new Random(5);
        using var net = Perturbed(Tiny(PosteriorFamily.Gaussian));
        net.Infer([Mixed(rng, 2, "gaussian", ("linear_gaussian", 3))]);
        Assert.AreEqual(before, get_num_threads());
    }
}
