using Afin.Simulation.Modules;
using TorchSharp;
using static Afin.Tests.Simulation.ConditionalDensityTestKit;
using static TorchSharp.torch;

namespace Afin.Tests.Simulation;

/// <summary>The conditional Gaussian mixture is a normalised, trainable conditional density.</summary>
[TestClass]
public sealed class ConditionalGaussianMixtureTests
{
    private static ConditionalGaussianMixture Small(int p, int c, int seed, int components = 5)
    {
        manual_seed(seed);
        return new ConditionalGaussianMixture(p, c, components, hiddenDim: 16, mlpLayers: 2);
    }

    [TestMethod]
    public void OneComponentIsADiagonalGaussian()
    {
        using var mixture = Small(3, 2, 1, components: 1);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var context = randn(6, 2);
        var theta = randn(6, 3);
        var (logWeights, means, logScales) = mixture.Heads(context);
        Assert.IsLessThan(1e-6, logWeights.abs().max().ToDouble());
        var z = (theta - means.squeeze(1)) / logScales.squeeze(1).exp();
        var expected = (-(z.square() * 0.5) - logScales.squeeze(1)).sum(-1) - 1.5 * Math.Log(2 * Math.PI);
        Assert.IsLessThan(1e-4, (mixture.LogProb(theta, context) - expected).abs().max().ToDouble());
    }

    [TestMethod]
    public void OneDimensionalDensityIntegratesToOneAndMatchesItsSamples()
    {
        using var mixture = Perturbed(Small(1, 2, 2), seed: 3, scale: 0.3);
        AssertOneDimensionalNormalisedAndMatchesSamples(mixture, range: 80, samplerSeed: 4);
    }

    [TestMethod]
    public void TwoDimensionalDensityIntegratesToOne()
    {
        using var mixture = Perturbed(Small(2, 2, 5), seed: 6, scale: 0.3);
        using var scope = NewDisposeScope();
        double mass = Quadrature2D(mixture, tensor(new[] { 0.5f, -1f }).view(1, 2), range: 30, pointsPerAxis: 601);
        Assert.AreEqual(1.0, mass, 5e-3);
    }

    [TestMethod]
    public void FarPointsHaveFiniteLogDensity()
    {
        // Every component's density underflows to 0 in float32 far away; logsumexp keeps the log density finite.
        using var mixture = Small(2, 1, 7);
        using var scope = NewDisposeScope();
        var lp = mixture.LogProb(tensor(new[] { 1e3f, -1e3f }).view(1, 2), zeros(1, 1));
        Assert.IsTrue(lp.isfinite().all().ToBoolean());
        Assert.IsLessThan(-1e4, lp.ToDouble());
    }

    [TestMethod]
    public void SamplingIsDeterministicForASeededGenerator()
    {
        using var mixture = Small(2, 3, 8);
        AssertSeededSampling(mixture, 2);
    }

    [TestMethod]
    public void FitsAConditionalGaussian()
    {
        using var mixture = Small(1, 1, 9);
        AssertFitsConditionalGaussian(mixture, seed: 10);
    }

    [TestMethod]
    public void RejectsMismatchedShapes()
    {
        using var mixture = Small(2, 3, 12);
        using var scope = NewDisposeScope();
        Assert.ThrowsExactly<ArgumentException>(() => mixture.LogProb(zeros(4, 1), zeros(4, 3)));
        using var generator = new Generator(1, CPU);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => mixture.Sample(zeros(4, 3), 0, generator));
    }
}
