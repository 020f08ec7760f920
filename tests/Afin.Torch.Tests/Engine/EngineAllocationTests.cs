using Afin.Canonical;
using Afin.Engine;
using Afin.Network;
using static Afin.Tests.Engine.EngineTestKit;

namespace Afin.Tests.Engine;

[TestClass]
public sealed class EngineAllocationTests
{
    public TestContext TestContext { get; set; } = null!;

    /// <summary>
    /// Steady-state single-problem inference allocates its result and next to nothing else. The result of a Gaussian
    /// network is its mean (d doubles) and precision factor (d² doubles) plus the posterior object, its lazily computed
    /// covariance holder and that holder's delegate; the bound allows the two arrays' bytes twice over plus 1 KB for those
    /// objects (about 200 bytes) and headers. Everything else a pass needs (tokens, activations, features) comes from the
    /// thread's scratch arena, so a pass that allocated even one of its buffers (the pooled tokens alone are d²·C floats)
    /// or boxed an enumerator per site would exceed it. Original coordinates: a canonical frame is part of the result
    /// and its Laplace search allocates by design.
    /// </summary>
    [TestMethod]
    [DataRow(AfinArchitecture.Pooled, 8, 64)]
    [DataRow(AfinArchitecture.Faithful, 8, 64)]
    [DataRow(AfinArchitecture.Pooled, 16, 256)]
    public void SteadyStateInferenceAllocatesLittleBeyondItsResult(AfinArchitecture architecture, int d, int sites)
    {
        using var torchNet = RandomNetwork(architecture, PosteriorFamily.Gaussian, LatentCoordinates.Original, seed: 41);
        var managed = Managed(torchNet);
        var problem = RandomProblem(new Random(42), d, sites);
        for (int warm = 0; warm < 3; warm++)
        {
            managed.Infer(problem);
        }
        const int repeats = 20;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int r = 0; r < repeats; r++)
        {
            managed.Infer(problem);
        }
        long perInference = (GC.GetAllocatedBytesForCurrentThread() - before) / repeats;
        long arrays = 8L * (d + d * d);
        long bound = 2 * arrays + 1024;
        TestContext.WriteLine($"{architecture}, d = {d}, N = {sites}: {perInference} bytes per inference (bound {bound})");
        Assert.IsLessThanOrEqualTo(bound, perInference, $"allocated {perInference} bytes per inference; the result's arrays are {arrays} bytes");
    }
}
