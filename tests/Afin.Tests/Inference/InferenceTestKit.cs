using Afin.Modelling;
using Afin.References;

namespace Afin.Tests.Inference;

/// <summary>Problems inside and far outside the shipped model's training range, and error measures.</summary>
internal static class InferenceTestKit
{
    /// <summary>
    /// An easy conjugate problem well inside the training range: d = 3, 20 linear-Gaussian sites
    /// simulated from the model with designs and noise as the training simulator makes them.
    /// </summary>
    internal static BayesianProblem EasyConjugate(int seed, int d = 3, int sites = 20)
    {
        var rng = new Random(seed);
        var z = TestProblems.RandomVector(rng, d, 0.5);
        var x = TestProblems.RandomMatrix(rng, sites, d, 0.9 / Math.Sqrt(d));
        var y = Enumerable.Range(0, sites).Select(n => Eta(x, n, z) + 0.6 * TestProblems.Normal(rng)).ToArray();
        return BayesianProblem.Create(new GaussianPrior(0, 1), [new LinearGaussianBlock(x, y, 0.6)], d);
    }

    /// <summary>
    /// A logistic regression far outside the training range: d = 12 (trained up to 8), 120 sites
    /// (up to 64) and design entries of size 3 (rows of norm about 10, against about 0.9). Larger
    /// problems fall back the same way, but the network's forward pass alone then takes seconds.
    /// </summary>
    internal static BayesianProblem FarOutsideLogistic(int seed, int d = 12, int sites = 120)
    {
        var rng = new Random(seed);
        var z = TestProblems.RandomVector(rng, d, 0.3);
        var x = TestProblems.RandomMatrix(rng, sites, d, 3);
        var y = Enumerable.Range(0, sites).Select(n => rng.NextDouble() < Logistic.Sigmoid(Eta(x, n, z)) ? 1.0 : 0.0).ToArray();
        return BayesianProblem.Create(new GaussianPrior(0, 1), [new BernoulliLogitBlock(x, y)], d);
    }

    /// <summary>max_i |m_i - μ_i| / σ_i against reference moments.</summary>
    internal static double MeanError(IReadOnlyList<double> mean, IReadOnlyList<double> reference, IReadOnlyList<double> sd) =>
        Enumerable.Range(0, mean.Count).Max(i => Math.Abs(mean[i] - reference[i]) / sd[i]);

    /// <summary>max_i |m_i - μ_i| / σ_i against the exact posterior.</summary>
    internal static double MeanError(IReadOnlyList<double> mean, ExactPosterior exact) => MeanError(mean, exact.Mean, exact.StdDev);

    private static double Eta(double[,] x, int row, double[] z) => Enumerable.Range(0, z.Length).Sum(i => x[row, i] * z[i]);
}
