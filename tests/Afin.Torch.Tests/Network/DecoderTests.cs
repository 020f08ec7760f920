using Afin.Network;
using MathNet.Numerics.LinearAlgebra;
using TorchSharp;
using static Afin.Tests.Network.NetworkTestKit;
using static TorchSharp.torch;

namespace Afin.Tests.Network;

[TestClass]
public sealed class DecoderTests
{
    [TestMethod]
    [DataRow(1)]
    [DataRow(3)]
    public void FlowSampleLogDensityMatchesInversePassAndLogProb(int d)
    {
        var rng = new Random(21 + d);
        var problem = Mixed(rng, d, "gaussian", ("linear_gaussian", 2), ("bernoulli_logit", 1));
        using var net = Perturbed(Tiny(PosteriorFamily.Flow, flowSteps: 3), scale: 0.2);
        Assert.AreEqual(1.0, net.FlowStrength);
        var q = (FlowAfinPosterior)net.Infer([problem])[0];

        var (samples, logq) = q.SampleWithLogDensity(64, seed: 5);
        var inverse = q.LogDensity(samples);
        Assert.IsLessThan(1e-4, MaxAbsDiff(logq, inverse));

        // The flow must be non-trivial: log q differs from the standard normal density of the draws.
        double gap = 0;
        for (int n = 0; n < 64; n++)
        {
            double sq = 0;
            for (int i = 0; i < d; i++)
            {
                sq += samples[n, i] * samples[n, i];
            }
            gap = Math.Max(gap, Math.Abs(logq[n] + 0.5 * sq + 0.5 * d * Math.Log(2 * Math.PI)));
        }
        Assert.IsGreaterThan(1e-2, gap);

        using var scope = NewDisposeScope();
        using var batch = FactorBatch.Create([problem], CPU);
        var z = tensor(Enumerable.Range(0, d).Select(i => samples[0, i]).ToArray()).view(1, d);
        var lp = net.LogProb(batch, z);
        Assert.AreEqual(logq[0], lp.ToDouble(), 1e-4);
        Assert.AreEqual(ScalarType.Float32, lp.dtype);
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(4)]
    public void Float64FlowSampleLogDensityMatchesInversePassTightly(int d)
    {
        var rng = new Random(27 + d);
        var problem = Mixed(rng, d, "student_t", ("direct_gaussian", 1), ("binomial_logit", 2));
        using var net = Perturbed(Tiny(PosteriorFamily.Flow, flowSteps: 4), scale: 0.3);
        net.to(ScalarType.Float64);
        var q = (FlowAfinPosterior)net.Infer([problem])[0];
        var (samples, logq) = q.SampleWithLogDensity(64, seed: 5);
        Assert.IsLessThan(1e-9, MaxAbsDiff(logq, q.LogDensity(samples)));
    }

    [TestMethod]
    public void FlowSamplingIsDeterministicPerSeed()
    {
        var rng = new Random(25);
        var problem = Mixed(rng, 2, "laplace", ("direct_gaussian", 2));
        using var net = Perturbed(Tiny(PosteriorFamily.Flow));
        var q = net.Infer([problem])[0];
        Assert.AreEqual(0, MaxAbsDiff(q.Sample(10, 3), q.Sample(10, 3)));
        Assert.IsGreaterThan(1e-6, MaxAbsDiff(q.Sample(10, 3), q.Sample(10, 4)));
        Assert.AreEqual(2, q.Mean.Length);
        Assert.IsTrue(q.Covariance[0, 0] > 0 && q.Covariance[1, 1] > 0);
    }

    [TestMethod]
    public void ZeroStrengthFlowIsStandardNormal()
    {
        var rng = new Random(26);
        var problem = Mixed(rng, 3, "gaussian", ("linear_gaussian", 2));
        using var net = Perturbed(Tiny(PosteriorFamily.Flow));
        net.FlowStrength = 0;
        var q = net.Infer([problem])[0];
        var pts = RandomPoints(rng, 4, 3);
        var lq = q.LogDensity(pts);
        for (int n = 0; n < 4; n++)
        {
            double sq = pts[n, 0] * pts[n, 0] + pts[n, 1] * pts[n, 1] + pts[n, 2] * pts[n, 2];
            Assert.AreEqual(-0.5 * sq - 1.5 * Math.Log(2 * Math.PI), lq[n], 1e-5);
        }
    }

    [TestMethod]
    public void GaussianPrecisionIsSpdAndLogProbMatchesClosedForm()
    {
        var rng = new Random(31);
        var problems = new[]
        {
            Mixed(rng, 4, "full_rank_gaussian", ("linear_gaussian", 3), ("binomial_logit", 2)),
            Mixed(rng, 4, "student_t", ("direct_gaussian", 1)),
        };
        using var net = Perturbed(Tiny(PosteriorFamily.Gaussian), scale: 0.3);
        var qs = net.Infer(problems).Cast<GaussianAfinPosterior>().ToArray();
        var z = RandomPoints(rng, 2, 4);

        using var scope = NewDisposeScope();
        using var batch = FactorBatch.Create(problems, CPU);
        var lp = net.LogProb(batch, tensor(Enumerable.Range(0, 8).Select(k => z[k / 4, k % 4]).ToArray()).view(2, 4));
        var lpValues = lp.to(ScalarType.Float64).data<double>().ToArray();
        for (int b = 0; b < 2; b++)
        {
            var precision = Matrix<double>.Build.DenseOfArray(qs[b].Precision);
            var eig = precision.Evd().EigenValues.Select(e => e.Real).ToArray();
            Assert.IsGreaterThan(0, eig.Min());
            Assert.IsLessThan(1e-12, (precision - precision.Transpose()).FrobeniusNorm());
            Assert.IsGreaterThan(1e-4, (precision - Matrix<double>.Build.DenseIdentity(4)).FrobeniusNorm(), "perturbed decoder should move off the identity");

            var cov = Matrix<double>.Build.DenseOfArray(qs[b].Covariance);
            var mean = Vector<double>.Build.DenseOfArray(qs[b].Mean);
            var x = Vector<double>.Build.DenseOfArray(new[] { z[b, 0], z[b, 1], z[b, 2], z[b, 3] }) - mean;
            double closed = -0.5 * (4 * Math.Log(2 * Math.PI) + Math.Log(cov.Determinant()) + x * cov.Inverse() * x);
            Assert.AreEqual(closed, lpValues[b], 1e-4 * Math.Max(1, Math.Abs(closed)));
            Assert.AreEqual(closed, qs[b].LogDensity(new[,] { { z[b, 0], z[b, 1], z[b, 2], z[b, 3] } })[0], 1e-9 * Math.Max(1, Math.Abs(closed)));
            Assert.IsLessThan(1e-9, (cov * precision - Matrix<double>.Build.DenseIdentity(4)).FrobeniusNorm());
        }
    }

    [TestMethod]
    public void GaussianSamplesHaveTheDecodedMoments()
    {
        var rng = new Random(32);
        var problem = Mixed(rng, 2, "gaussian", ("linear_gaussian", 3));
        using var net = Perturbed(Tiny(PosteriorFamily.Gaussian), scale: 0.3);
        var q = net.Infer([problem])[0];
        var s = q.Sample(20000, 1);
        var mean = q.Mean;
        var cov = q.Covariance;
        for (int i = 0; i < 2; i++)
        {
            double m = 0;
            for (int n = 0; n < 20000; n++)
            {
                m += s[n, i];
            }
            m /= 20000;
            Assert.AreEqual(mean[i], m, 4 * Math.Sqrt(cov[i, i] / 20000) + 1e-9);
        }
    }

    [TestMethod]
    public void FreshNetworkIsStandardNormal()
    {
        var rng = new Random(33);
        var problem = Mixed(rng, 3, "gaussian", ("bernoulli_logit", 2));
        torch.manual_seed(1);
        using var net = new AfinNetwork(Tiny(PosteriorFamily.Gaussian));
        var q = net.Infer([problem])[0];
        Assert.IsLessThan(1e-12, q.Mean.Select(Math.Abs).Max());
        Assert.AreEqual(1 / (1 + 1e-4), q.Covariance[0, 0], 1e-6);
    }
}
