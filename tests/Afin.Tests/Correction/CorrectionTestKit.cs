using Afin.Modelling;
using Afin.Network;
using Afin.References;
using MathNet.Numerics.LinearAlgebra;

namespace Afin.Tests.Correction;

/// <summary>Conjugate problems, Gaussian proposals placed relative to their exact posteriors, and error measures.</summary>
internal static class CorrectionTestKit
{
    /// <summary>A seeded conjugate problem: Gaussian prior and one linear-Gaussian block.</summary>
    internal static BayesianProblem ConjugateProblem(int seed, int d = 3, int observations = 8)
    {
        var rng = new Random(seed);
        var prior = TestProblems.RandomPrior(rng, "gaussian", d);
        var block = TestProblems.RandomBlock(rng, "linear_gaussian", d, observations);
        return BayesianProblem.Create(prior, [block], d);
    }

    /// <summary>N(mean, covariance) as an AFIN posterior: precision = covariance⁻¹, factored by Cholesky.</summary>
    internal static GaussianAfinPosterior Gaussian(double[] mean, double[,] covariance)
    {
        var precision = Matrix<double>.Build.DenseOfArray(covariance).Inverse();
        // Inversion leaves the precision a rounding error away from symmetric; Cholesky reads one triangle only.
        precision = (precision + precision.Transpose()) * 0.5;
        return new GaussianAfinPosterior((double[])mean.Clone(), precision.Cholesky().Factor.ToArray());
    }

    /// <summary>A proposal with the exact mean moved by <paramref name="shiftInSd"/> standard deviations per coordinate and the covariance scaled by <paramref name="scale"/>².</summary>
    internal static GaussianAfinPosterior Around(ExactPosterior exact, double shiftInSd, double scale)
    {
        var sd = exact.StdDev;
        var mean = exact.Mean.Select((m, i) => m + shiftInSd * sd[i]).ToArray();
        int d = mean.Length;
        var cov = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                cov[i, j] = scale * scale * exact.Covariance[i, j];
            }
        }
        return Gaussian(mean, cov);
    }

    /// <summary>max_i |m_i - μ_i| / σ_i against the exact posterior.</summary>
    internal static double MeanError(double[] mean, ExactPosterior exact)
    {
        var sd = exact.StdDev;
        return mean.Select((m, i) => Math.Abs(m - exact.Mean[i]) / sd[i]).Max();
    }

    /// <summary>max_i |Σ_ii / Σ*_ii - 1| against the exact posterior.</summary>
    internal static double VarianceError(double[,] covariance, ExactPosterior exact) =>
        Enumerable.Range(0, exact.Mean.Length).Select(i => Math.Abs(covariance[i, i] / exact.Covariance[i, i] - 1)).Max();
}

/// <summary>A density shifted by a constant, to push log densities to extreme magnitudes (and through the gradient overload).</summary>
internal sealed class OffsetLogDensity(ILogDensity inner, double offset) : ILogDensity
{
    public int Dimension => inner.Dimension;

    public double Evaluate(ReadOnlySpan<double> z, Span<double> gradient) => inner.Evaluate(z, gradient) + offset;

    public ILogDensity CreateWorker() => this;
}

/// <summary>A density that returns NaN wherever <paramref name="broken"/> holds, to simulate a failing model.</summary>
internal sealed class BrokenLogDensity(ILogDensity inner, Func<double[], bool> broken) : ILogDensity
{
    public int Dimension => inner.Dimension;

    public double Evaluate(ReadOnlySpan<double> z, Span<double> gradient) =>
        broken(z.ToArray()) ? double.NaN : inner.Evaluate(z, gradient);

    public ILogDensity CreateWorker() => this;
}
