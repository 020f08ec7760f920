using Afin.Engine;

namespace Afin.Tests.Engine;

[TestClass]
public sealed class CouplingMaskTests
{
    /// <summary>The masks are part of the trained network: the managed float32 computation must pick torch's coordinates.</summary>
    [TestMethod]
    public void ManagedMasksEqualTorchMasks()
    {
        int nontrivial = 0;
        for (int layer = 0; layer < 16; layer++)
        {
            for (int d = 1; d <= 64; d++)
            {
                var torch = Afin.Network.Modules.CouplingMask.Get(layer, d);
                var managed = CouplingMasks.Get(layer, d);
                CollectionAssert.AreEqual(torch, managed, $"layer {layer}, d = {d}");
                nontrivial += managed.Contains(1f) && managed.Contains(0f) ? 1 : 0;
            }
        }
        // Every d from 2 on keeps some coordinates and moves others.
        Assert.AreEqual(16 * 63, nontrivial);
    }
}
