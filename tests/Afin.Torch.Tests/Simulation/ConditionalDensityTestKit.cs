using Afin.Simulation.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Afin.Tests.Simulation;

/// <summary>Perturbation, quadrature and a tiny training loop shared by the conditional density tests.</summary>
internal static class ConditionalDensityTestKit
{
    /// <summary>Adds seeded N(0, scale²) noise to every parameter, so that zero-initialised layers become non-trivial.</summary>
    internal static T Perturbed<T>(T module, int seed, double scale) where T : nn.Module
    {
        manual_seed(seed);
        using var noGrad = no_grad();
        foreach (var p in module.parameters())
        {
            p.add_(randn_like(p) * scale);
        }
        return module;
    }

    /// <summary>Float32 values of a tensor as doubles.</summary>
    internal static double[] Values(Tensor t) => t.to(ScalarType.Float64).contiguous().data<double>().ToArray();

    /// <summary>
    /// ∫ q(θ | x) dθ and ∫ θ q(θ | x) dθ of a 1-d density over [-range, range] by the trapezoid rule on
    /// <paramref name="points"/> nodes, for each context row.
    /// </summary>
    internal static (double Mass, double Mean)[] Quadrature1D(IConditionalDensity density, Tensor contexts, double range, int points)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var grid = linspace(-range, range, points, dtype: ScalarType.Float32);
        double h = 2 * range / (points - 1);
        var result = new (double, double)[contexts.shape[0]];
        for (long i = 0; i < contexts.shape[0]; i++)
        {
            var context = contexts.narrow(0, i, 1).expand(points, contexts.shape[1]);
            var q = density.LogProb(grid.view(points, 1), context).to(ScalarType.Float64).exp();
            var g = grid.to(ScalarType.Float64);
            result[i] = (trapezoid(q, h, 0).ToDouble(), trapezoid(q * g, h, 0).ToDouble());
        }
        return result;
    }

    /// <summary>∫∫ q(θ | x) dθ of a 2-d density over [-range, range]² by the midpoint-style Riemann sum on a square grid.</summary>
    internal static double Quadrature2D(IConditionalDensity density, Tensor context, double range, int pointsPerAxis)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var axis = linspace(-range, range, pointsPerAxis, dtype: ScalarType.Float32);
        double h = 2 * range / (pointsPerAxis - 1);
        var mesh = meshgrid([axis, axis], indexing: "ij");
        var theta = stack([mesh[0].reshape(-1), mesh[1].reshape(-1)], -1);
        long n = theta.shape[0];
        var q = density.LogProb(theta, context.expand(n, context.shape[1])).to(ScalarType.Float64).exp();
        return q.sum().ToDouble() * h * h;
    }

    /// <summary>
    /// Fits θ | c ~ N(2c, 0.5²), c ~ U(-1, 1) by maximum likelihood with Adam on fresh batches drawn from a seeded
    /// generator.
    /// </summary>
    internal static void FitLinearGaussian<T>(T density, int steps, int batch, double learningRate, int seed) where T : nn.Module, IConditionalDensity
    {
        // One thread: the tensors are tiny, and on a loaded machine the intra-op thread pool made a 1-second fit take
        // 30-40 seconds waiting on its workers.
        int threads = get_num_threads();
        set_num_threads(1);
        try
        {
            using var generator = new Generator((ulong)seed, CPU);
            using var optimizer = optim.Adam(density.parameters(), lr: learningRate);
            // Cosine decay to zero, so the fit ends at a minimum instead of wherever the last noisy Adam steps left it.
            var schedule = optim.lr_scheduler.CosineAnnealingLR(optimizer, steps);
            for (int step = 0; step < steps; step++)
            {
                using var scope = NewDisposeScope();
                var c = rand([batch, 1], generator: generator) * 2 - 1;
                var theta = 2 * c + 0.5 * randn([batch, 1], generator: generator);
                optimizer.zero_grad();
                var loss = -density.LogProb(theta, c).mean();
                loss.backward();
                optimizer.step();
                schedule.step();
            }
        }
        finally
        {
            set_num_threads(threads);
        }
    }

    /// <summary>Sample mean and standard deviation of <paramref name="count"/> draws at the scalar context <paramref name="c"/>.</summary>
    internal static (double Mean, double Sd) SampleMoments(IConditionalDensity density, double c, int count, int seed)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var generator = new Generator((ulong)seed, CPU);
        var draws = density.Sample(tensor(new[] { (float)c }).view(1, 1), count, generator).to(ScalarType.Float64).reshape(-1);
        return (draws.mean().ToDouble(), draws.std().ToDouble());
    }

    /// <summary>Draws (4 contexts x 7) are float32 of shape (4, 7, p), equal for one seed and different for another.</summary>
    internal static void AssertSeededSampling(IConditionalDensity density, int parameters)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var context = randn(4, density.ContextDim);
        Tensor Draw(ulong seed)
        {
            using var generator = new Generator(seed, CPU);
            return density.Sample(context, 7, generator);
        }
        var first = Draw(1);
        CollectionAssert.AreEqual(new long[] { 4, 7, parameters }, first.shape);
        Assert.AreEqual(ScalarType.Float32, first.dtype);
        Assert.AreEqual(0.0, (first - Draw(1)).abs().max().ToDouble());
        Assert.IsGreaterThan(1e-3, (first - Draw(2)).abs().max().ToDouble());
    }

    /// <summary>After 300 Adam steps on theta | c ~ N(2c, 0.5^2), draws at two contexts have the right mean and spread.</summary>
    internal static void AssertFitsConditionalGaussian<T>(T density, int seed) where T : nn.Module, IConditionalDensity
    {
        FitLinearGaussian(density, steps: 300, batch: 256, learningRate: 1e-2, seed: seed);
        foreach (double c in new[] { 0.5, -0.75 })
        {
            var (mean, sd) = SampleMoments(density, c, 4000, seed: seed + 1);
            Assert.AreEqual(2 * c, mean, 0.1, $"mean at c = {c}");
            Assert.AreEqual(0.5, sd, 0.05, $"sd at c = {c}");
        }
    }

    /// <summary>
    /// For three contexts of width 2, the 1-d density integrates to one by quadrature over [-range, range], and the mean
    /// of 20,000 draws matches the quadrature mean within 5 standard errors: the sampler draws from the density that
    /// LogProb evaluates.
    /// </summary>
    internal static void AssertOneDimensionalNormalisedAndMatchesSamples(IConditionalDensity density, double range, ulong samplerSeed)
    {
        using var scope = NewDisposeScope();
        var contexts = tensor(new float[] { 0f, 0f, 1.5f, -0.5f, -2f, 1f }).view(3, 2);
        var quadrature = Quadrature1D(density, contexts, range, points: 40001);
        using var noGrad = no_grad();
        using var generator = new Generator(samplerSeed, CPU);
        var draws = density.Sample(contexts, 20000, generator).to(ScalarType.Float64);
        for (int i = 0; i < 3; i++)
        {
            Assert.AreEqual(1.0, quadrature[i].Mass, 2e-3, $"context {i}");
            var row = draws[i].reshape(-1);
            double standardError = row.std().ToDouble() / Math.Sqrt(20000);
            Assert.AreEqual(quadrature[i].Mean, row.mean().ToDouble(), 5 * standardError, $"context {i}");
        }
    }
}
