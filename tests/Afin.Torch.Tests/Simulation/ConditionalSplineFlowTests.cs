using Afin.Simulation.Modules;
using TorchSharp;
using static Afin.Tests.Simulation.ConditionalDensityTestKit;
using static TorchSharp.torch;

namespace Afin.Tests.Simulation;

/// <summary>The conditional spline flow is a normalised, invertible, trainable conditional density.</summary>
[TestClass]
public sealed class ConditionalSplineFlowTests
{
    private static ConditionalSplineFlow Small(int p, int c, int seed)
    {
        manual_seed(seed);
        return new ConditionalSplineFlow(p, c, hiddenDim: 16, mlpLayers: 2);
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(3)]
    public void UntrainedFlowIsTheStandardNormal(int p)
    {
        using var flow = Small(p, 2, 1);
        using var scope = NewDisposeScope();
        var theta = randn(50, p) * 3;
        var context = randn(50, 2);
        var expected = -(theta.square().sum(-1) * 0.5) - p * 0.5 * Math.Log(2 * Math.PI);
        Assert.IsLessThan(1e-4, (flow.LogProb(theta, context) - expected).abs().max().ToDouble());
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(3)]
    public void InverseOfLatentMapIsIdentityWithOppositeLogDet(int p)
    {
        using var flow = Perturbed(Small(p, 3, 2), seed: 3, scale: 0.15);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        manual_seed(4);
        // Mostly typical points plus a few far out, which cross the spline tails in every layer.
        var theta = cat([randn(200, p) * 2, randn(8, p) * 30]);
        var context = randn(theta.shape[0], 3);
        var (z, logDet) = flow.ToLatent(theta, context);
        var (back, inverseLogDet) = flow.FromLatent(z, context);
        Assert.IsLessThan(1e-4, ((back - theta).abs() / theta.abs().clamp_min(1)).max().ToDouble());
        Assert.IsLessThan(1e-3, (logDet + inverseLogDet).abs().max().ToDouble());
        Assert.IsGreaterThan(0.1, (z - theta).abs().max().ToDouble(), "the perturbed flow should not be the identity");
    }

    [TestMethod]
    public void OneDimensionalDensityIntegratesToOneAndMatchesItsSamples()
    {
        using var flow = Perturbed(Small(1, 2, 5), seed: 6, scale: 0.15);
        AssertOneDimensionalNormalisedAndMatchesSamples(flow, range: 40, samplerSeed: 9);
    }

    [TestMethod]
    public void TwoDimensionalDensityIntegratesToOne()
    {
        using var flow = Perturbed(Small(2, 2, 7), seed: 8, scale: 0.15);
        using var scope = NewDisposeScope();
        foreach (var c in new[] { new[] { 0.5f, -1f }, new[] { -1.5f, 0.3f } })
        {
            var context = tensor(c).view(1, 2);
            double mass = Quadrature2D(flow, context, range: 12, pointsPerAxis: 241);
            Assert.AreEqual(1.0, mass, 5e-3);
            // The perturbed flow is far from the standard normal it was initialised as.
            var theta = tensor(new[] { 1f, -0.5f }).view(1, 2);
            double standardNormal = -0.5 * (1 + 0.25) - Math.Log(2 * Math.PI);
            Assert.IsGreaterThan(0.1, Math.Abs(flow.LogProb(theta, context).ToDouble() - standardNormal));
        }
    }

    [TestMethod]
    public void SamplingIsDeterministicForASeededGenerator()
    {
        using var flow = Perturbed(Small(2, 3, 10), seed: 11, scale: 0.3);
        AssertSeededSampling(flow, 2);
    }

    [TestMethod]
    public void FitsAConditionalGaussian()
    {
        using var flow = Small(1, 1, 12);
        AssertFitsConditionalGaussian(flow, seed: 13);
    }

    [TestMethod]
    public void RejectsMismatchedShapes()
    {
        using var flow = Small(2, 3, 15);
        using var scope = NewDisposeScope();
        Assert.ThrowsExactly<ArgumentException>(() => flow.LogProb(zeros(4, 3), zeros(4, 3)));
        Assert.ThrowsExactly<ArgumentException>(() => flow.LogProb(zeros(4, 2), zeros(5, 3)));
        using var generator = new Generator(1, CPU);
        Assert.ThrowsExactly<ArgumentException>(() => flow.Sample(zeros(4, 2), 3, generator));
    }
}
