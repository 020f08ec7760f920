using System.Text;
using Afin.Engine;
using Afin.Network;
using Afin.Persistence;
using TorchSharp;
using static Afin.Tests.Engine.EngineTestKit;

namespace Afin.Tests.Engine;

[TestClass]
public sealed class StateDictReaderTests
{
    [TestMethod]
    public void ReadsEveryParameterOfASavedNetwork()
    {
        using var net = RandomNetwork(AfinArchitecture.Pooled, PosteriorFamily.Flow, Afin.Canonical.LatentCoordinates.Original, seed: 3, siteLayers: 1);
        var weights = StateDictReader.Read(ModuleWeights.Save(net), "test");
        var stateDict = net.state_dict();
        CollectionAssert.AreEquivalent(stateDict.Keys.ToArray(), weights.Names.ToArray());
        foreach (var (name, tensor) in stateDict)
        {
            int[] shape = tensor.shape.Select(s => (int)s).ToArray();
            CollectionAssert.AreEqual(tensor.data<float>().ToArray(), weights.Take(name, shape), name);
        }
    }

    [TestMethod]
    public void TruncatedBytesAreRefusedAsTruncated()
    {
        using var net = RandomNetwork(AfinArchitecture.Faithful, PosteriorFamily.Gaussian, Afin.Canonical.LatentCoordinates.Original, seed: 4);
        var bytes = ModuleWeights.Save(net);
        foreach (int length in new[] { 0, 1, 2, 10, 57, bytes.Length / 2, bytes.Length - 1 })
        {
            var e = Assert.ThrowsExactly<InvalidDataException>(() => StateDictReader.Read(bytes.AsSpan(0, length), "cut weights"));
            StringAssert.Contains(e.Message, "cut weights: truncated state dict", $"cut at {length}");
        }
    }

    [TestMethod]
    [DataRow(7, "float64")]
    [DataRow(4, "int64")]
    [DataRow(99, "unknown type code 99")]
    public void OtherElementTypesAreRefusedNamingTheParameter(int typeCode, string described)
    {
        var e = Assert.ThrowsExactly<InvalidDataException>(() => StateDictReader.Read(OneTensor("decoder.x", typeCode, [2], new byte[16]), "odd weights"));
        StringAssert.Contains(e.Message, "parameter 'decoder.x' holds " + described);
    }

    [TestMethod]
    public void TrailingBytesAndRepeatedNamesAreRefused()
    {
        var one = OneTensor("a", StateDictReader.Float32Code, [1], new byte[4]);
        var trailing = Assert.ThrowsExactly<InvalidDataException>(() => StateDictReader.Read([.. one, 0], "x"));
        StringAssert.Contains(trailing.Message, "1 bytes follow its last entry");
        // Two entries named "a": the count byte says 2, the body is the one entry twice.
        byte[] twice = [2, .. one[1..], .. one[1..]];
        var repeated = Assert.ThrowsExactly<InvalidDataException>(() => StateDictReader.Read(twice, "x"));
        StringAssert.Contains(repeated.Message, "parameter 'a' appears twice");
    }

    [TestMethod]
    public void MissingOrMisshapenParametersAreNamedWithBothShapes()
    {
        using var net = RandomNetwork(AfinArchitecture.Pooled, PosteriorFamily.Gaussian, Afin.Canonical.LatentCoordinates.Original, seed: 5);
        var bytes = ModuleWeights.Save(net);
        var wider = net.Options with { FeatureWidth = net.Options.FeatureWidth + 8 };
        var shape = Assert.ThrowsExactly<InvalidDataException>(() => ManagedAfinNetwork.FromStateDict(wider, bytes, "model weights"));
        // Tiny networks: C = 8, adapter hidden 16; the first layer that C shapes is the prior adapter's output layer.
        StringAssert.Contains(shape.Message, "model weights: parameter 'adapter.prior_node_nets.diag_gaussian.mlp.2.weight' has shape [8, 16], the recorded network options need [16, 16]");

        var refined = net.Options with { SiteLayers = 1 };
        var missing = Assert.ThrowsExactly<InvalidDataException>(() => ManagedAfinNetwork.FromStateDict(refined, bytes, "model weights"));
        StringAssert.Contains(missing.Message, "model weights: the weights lack parameter 'adapter.site_refine.pair_layers.0.mlp.0.weight' (expected shape [");
    }

    /// <summary>A state dict of one tensor, in the writer's format: LEB128 count, name, type, rank and sizes, raw bytes.</summary>
    private static byte[] OneTensor(string name, int typeCode, int[] shape, byte[] raw)
    {
        using var memory = new MemoryStream();
        using (var writer = new BinaryWriter(memory, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write((byte)1);
            writer.Write(name);
            writer.Write((byte)typeCode);
            writer.Write((byte)shape.Length);
            foreach (int size in shape)
            {
                writer.Write((byte)size);
            }
            writer.Write(raw);
        }
        return memory.ToArray();
    }
}
