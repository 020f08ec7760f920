using Afin.Inference;
using Afin.Modelling;
using Afin.Network;
using Afin.References;
using Afin.Tests.Correction;

namespace Afin.Tests.Inference;

/// <summary>Problems inside and far outside the shipped model's training range, and error measures.</summary>
internal static class InferenceTestKit
{
    /// <summary>A short NUTS fallback: enough for means to a few hundredths of a posterior sd, fast enough for a test.</summary>
    internal static readonly AutoInferenceOptions QuickNuts = new() { Nuts = new NutsOptions { Draws = 300, Warmup = 300, Chains = 2 } };

    /// <summary>
    /// A Gaussian AFIN posterior placed by hand for a d = 2 problem: independent coordinates at <paramref name="mean"/>
    /// moved by <paramref name="shiftInSd"/> sds, with the sds <paramref name="sd"/> scaled by <paramref name="scale"/>.
    /// </summary>
    internal static GaussianAfinPosterior Placed(double[] mean, double[] sd, double shiftInSd, double scale) =>
        CorrectionTestKit.Gaussian(
            mean.Select((m, i) => m + shiftInSd * sd[i]).ToArray(),
            new double[,] { { scale * scale * sd[0] * sd[0], 0 }, { 0, scale * scale * sd[1] * sd[1] } });

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
    /// A logistic regression outside the shipped model's training range: d = 16 (trained up to 12), 160 sites
    /// (up to 128) and design entries of size 3 (rows of norm about 12), yet within the network's reach, so that
    /// the forward pass runs and its answer must be judged.
    /// </summary>
    internal static BayesianProblem FarOutsideLogistic(int seed, int d = 16, int sites = 160)
    {
        var rng = new Random(seed);
        var z = TestProblems.RandomVector(rng, d, 0.3);
        var x = TestProblems.RandomMatrix(rng, sites, d, 3);
        var y = Enumerable.Range(0, sites).Select(n => rng.NextDouble() < Logistic.Sigmoid(Eta(x, n, z)) ? 1.0 : 0.0).ToArray();
        return BayesianProblem.Create(new GaussianPrior(0, 1), [new BernoulliLogitBlock(x, y)], d);
    }

    /// <summary>
    /// A small logistic regression with an intercept column and a correlated feature, inside the training range: not
    /// conjugate, so every mode takes the network path, and d = 2, so that <see cref="GridMoments"/> gives its exact moments.
    /// </summary>
    internal static BayesianProblem SmallLogistic(int seed, int sites = 30)
    {
        var rng = new Random(seed);
        var x = new double[sites, 2];
        for (int n = 0; n < sites; n++)
        {
            x[n, 0] = 1;
            x[n, 1] = 0.8 * TestProblems.Normal(rng) + 0.3;
        }
        double[] z = [-0.4, 1.1];
        var y = Enumerable.Range(0, sites).Select(n => rng.NextDouble() < Logistic.Sigmoid(Eta(x, n, z)) ? 1.0 : 0.0).ToArray();
        return BayesianProblem.Create(new GaussianPrior(0, 1.5), [new BernoulliLogitBlock(x, y)], 2);
    }

    /// <summary>
    /// The exact posterior mean and standard deviations of a d = 2 problem by quadrature: the midpoint rule on a 401 x 401
    /// grid over ±10 Laplace standard deviations of the mode, far wider than any mass of these posteriors.
    /// </summary>
    internal static (double[] Mean, double[] Sd) GridMoments(BayesianProblem problem)
    {
        var laplace = Afin.Laplace.LaplaceApproximation.Compute(problem);
        var density = problem.LogDensity();
        const int points = 401;
        var sd = laplace.StdDev;
        var logP = new double[points, points];
        double max = double.NegativeInfinity;
        for (int a = 0; a < points; a++)
        {
            for (int b = 0; b < points; b++)
            {
                logP[a, b] = density.Evaluate([GridPoint(laplace.Mode[0], sd[0], a, points), GridPoint(laplace.Mode[1], sd[1], b, points)]);
                max = Math.Max(max, logP[a, b]);
            }
        }
        double total = 0, m0 = 0, m1 = 0, s0 = 0, s1 = 0;
        for (int a = 0; a < points; a++)
        {
            for (int b = 0; b < points; b++)
            {
                double w = Math.Exp(logP[a, b] - max);
                double z0 = GridPoint(laplace.Mode[0], sd[0], a, points), z1 = GridPoint(laplace.Mode[1], sd[1], b, points);
                total += w;
                m0 += w * z0;
                m1 += w * z1;
                s0 += w * z0 * z0;
                s1 += w * z1 * z1;
            }
        }
        m0 /= total;
        m1 /= total;
        return ([m0, m1], [Math.Sqrt(s0 / total - m0 * m0), Math.Sqrt(s1 / total - m1 * m1)]);
    }

    private static double GridPoint(double centre, double sd, int index, int points) => centre + sd * (-10 + 20.0 * index / (points - 1));

    /// <summary>max_i |m_i - μ_i| / σ_i against reference moments.</summary>
    internal static double MeanError(IReadOnlyList<double> mean, IReadOnlyList<double> reference, IReadOnlyList<double> sd) =>
        Enumerable.Range(0, mean.Count).Max(i => Math.Abs(mean[i] - reference[i]) / sd[i]);

    /// <summary>max_i |m_i - μ_i| / σ_i against the exact posterior.</summary>
    internal static double MeanError(IReadOnlyList<double> mean, ExactPosterior exact) => MeanError(mean, exact.Mean, exact.StdDev);

    private static double Eta(double[,] x, int row, double[] z) => Enumerable.Range(0, z.Length).Sum(i => x[row, i] * z[i]);
}
