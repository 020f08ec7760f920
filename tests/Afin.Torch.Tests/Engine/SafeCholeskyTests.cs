using Afin.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Afin.Tests.Engine;

/// <summary>
/// The Gaussian decoder's jitter retries, which decoded precisions (diagonally dominant) never need in practice, on
/// [[1, 1], [1, 1 + δ]]: its second pivot is δ exactly, so which retry succeeds is not a matter of rounding.
/// </summary>
[TestClass]
public sealed class SafeCholeskyTests
{
    [TestMethod]
    [DataRow(1e-3, 0.0, DisplayName = "positive definite: no jitter")]
    [DataRow(0.0, 1e-10, DisplayName = "singular: the first retry, τ = 1e-10")]
    [DataRow(-5e-11, 1e-10, DisplayName = "slightly indefinite: the first retry")]
    [DataRow(-5e-10, 1e-9, DisplayName = "more indefinite: the second retry, 10τ")]
    public void JitterRetriesMatchTheTorchDecoder(double delta, double jitter)
    {
        double[] matrix = [1, 1, 1, 1 + delta];
        var managed = GaussianDecoder.SafeCholesky(matrix, 2);
        using var scope = NewDisposeScope();
        var torchFactor = Afin.Network.Modules.GaussianDecoder.SafeCholesky(tensor(matrix, ScalarType.Float64).view(1, 2, 2)).data<double>().ToArray();
        // L = [[√(1 + τ), 0], [1/√(1 + τ), √(1 + δ + τ − 1/(1 + τ))]].
        double l00 = Math.Sqrt(1 + jitter), l10 = 1 / l00, l11 = Math.Sqrt(1 + delta + jitter - l10 * l10);
        double[] expected = [l00, 0, l10, l11];
        for (int k = 0; k < 4; k++)
        {
            Assert.AreEqual(expected[k], managed[k / 2, k % 2], 1e-6 * Math.Abs(expected[k]) + 1e-15, $"managed L[{k / 2}, {k % 2}]");
            Assert.AreEqual(expected[k], torchFactor[k], 1e-6 * Math.Abs(expected[k]) + 1e-15, $"torch L[{k / 2}, {k % 2}]");
        }
    }

    [TestMethod]
    public void HopelessMatricesFailAsInTheTorchDecoder()
    {
        double[] matrix = [1, 1, 1, 1 - 1e-3];
        Assert.ThrowsExactly<InvalidOperationException>(() => GaussianDecoder.SafeCholesky(matrix, 2));
        using var scope = NewDisposeScope();
        Assert.ThrowsExactly<InvalidOperationException>(() => Afin.Network.Modules.GaussianDecoder.SafeCholesky(tensor(matrix, ScalarType.Float64).view(1, 2, 2)));
    }
}
