using TorchSharp;
using static TorchSharp.torch;

namespace Afin.Tests;

/// <summary>
/// Proves that TorchSharp's native backend loads and computes on this machine: a plain tensor op,
/// one autograd + optimiser step, and (on Linux) that the library came from the build output itself
/// rather than from TorchSharp's copy-from-the-NuGet-cache fallback.
/// </summary>
[TestClass]
public sealed class TorchSharpLoadTests
{
    [TestMethod]
    public void MatrixProductHasExpectedValues()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new float[] { 1f, 2f, 3f, 4f }).reshape(2, 2);
        var b = tensor(new float[] { 5f, 6f, 7f, 8f }).reshape(2, 2);

        var product = matmul(a, b);

        CollectionAssert.AreEqual(new long[] { 2, 2 }, product.shape);
        CollectionAssert.AreEqual(new float[] { 19f, 22f, 43f, 50f }, Values(product));
    }

    [TestMethod]
    public void SgdStepMovesParameterAgainstGradient()
    {
        using var scope = NewDisposeScope();
        const double learningRate = 0.1;
        var w = new TorchSharp.Modules.Parameter(tensor(new float[] { 1f, 2f }));
        using var optimiser = optim.SGD(new[] { w }, learningRate);

        // loss = w0^2 + w1^2 = 5, so d loss / d w = 2w = (2, 4).
        optimiser.zero_grad();
        var loss = (w * w).sum();
        Assert.AreEqual(5f, loss.item<float>(), 1e-6f);
        loss.backward();
        CollectionAssert.AreEqual(new float[] { 2f, 4f }, Values(w.grad!));

        optimiser.step();

        // Plain SGD: w <- w - lr * grad = (1 - 0.2, 2 - 0.4).
        var updated = Values(w);
        Assert.AreEqual(0.8f, updated[0], 1e-6f);
        Assert.AreEqual(1.6f, updated[1], 1e-6f);
    }

    [TestMethod]
    public void NativeLibraryIsLoadedFromTheOutputNotTheFallbackCopy()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("Reads /proc/self/maps, which only Linux has.");
        }

        using (ones(1))
        {
            // Any tensor forces TorchSharp to load its native backend.
        }

        var loaded = File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length == 6 && fields[5].EndsWith("/libLibTorchSharp.so", StringComparison.Ordinal))
            .Select(fields => fields[5])
            .Distinct()
            .ToList();

        Assert.HasCount(1, loaded);
        var directory = Path.GetDirectoryName(loaded[0])!;
        var output = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory);
        // When the regular load fails, TorchSharp copies the natives from the NuGet cache into
        // <output>/cpu (or /cuda) and loads them from there; that must not have happened.
        Assert.IsTrue(
            directory == output || directory == Path.Combine(output, "runtimes", "linux-x64", "native"),
            $"libLibTorchSharp.so was loaded from '{directory}', not from the build output '{output}'.");
    }

    private static float[] Values(Tensor tensor)
    {
        using var accessor = tensor.data<float>();
        return accessor.ToArray();
    }
}
