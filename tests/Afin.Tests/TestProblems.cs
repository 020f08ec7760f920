using Afin.Modelling;

namespace Afin.Tests;

/// <summary>Seeded random problems of every family, shared by the tests.</summary>
internal static class TestProblems
{
    internal static double[,] RandomMatrix(Random rng, int rows, int cols, double scale = 1)
    {
        var m = new double[rows, cols];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                m[i, j] = scale * Normal(rng);
            }
        }
        return m;
    }

    internal static double[] RandomVector(Random rng, int n, double scale = 1, double offset = 0) =>
        Enumerable.Range(0, n).Select(_ => offset + scale * Normal(rng)).ToArray();

    internal static double Normal(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    internal static double[,] RandomSpd(Random rng, int d)
    {
        var m = RandomMatrix(rng, d, d, 0.5);
        var p = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                for (int k = 0; k < d; k++)
                {
                    p[i, j] += m[i, k] * m[j, k];
                }
            }
            p[i, i] += 0.7;
        }
        return p;
    }

    internal static Prior RandomPrior(Random rng, string family, int d) => family switch
    {
        "gaussian" => new GaussianPrior(RandomVector(rng, d, 0.5), RandomVector(rng, d, 0.1, 1.0)),
        "full_rank_gaussian" => new FullRankGaussianPrior(RandomVector(rng, d, 0.5), RandomSpd(rng, d)),
        "student_t" => new StudentTPrior(RandomVector(rng, d, 0.5), RandomVector(rng, d, 0.1, 1.0), RandomVector(rng, d, 0.5, 4)),
        "laplace" => new LaplacePrior(RandomVector(rng, d, 0.5), RandomVector(rng, d, 0.1, 1.0)),
        _ => throw new ArgumentException(family),
    };

    internal static ObservationBlock RandomBlock(Random rng, string family, int d, int n)
    {
        var x = RandomMatrix(rng, n, d, 0.8);
        var y = RandomVector(rng, n);
        var sigma = RandomVector(rng, n, 0.05, 0.6);
        return family switch
        {
            "linear_gaussian" => new LinearGaussianBlock(x, y, sigma),
            "direct_gaussian" => new DirectGaussianBlock(RandomMatrix(rng, n, d), sigma),
            "linear_student_t" => new LinearStudentTBlock(x, y, sigma, RandomVector(rng, n, 0.5, 4)),
            "bernoulli_logit" => new BernoulliLogitBlock(x, y.Select(v => v > 0 ? 1.0 : 0.0).ToArray()),
            "binomial_logit" => new BinomialLogitBlock(x, y.Select(v => Math.Clamp(Math.Round(3 + 2 * v), 0, 6)).ToArray(), [6.0]),
            // Counts from 0 to about 10, each row with its own log exposure.
            "poisson_log" => new PoissonLogBlock(x, y.Select(v => Math.Round(Math.Exp(1 + 0.7 * v))).ToArray(), RandomVector(rng, n, 0.4)),
            _ => throw new ArgumentException(family),
        };
    }

    /// <summary>A random block of a family that takes an offset (<see cref="OffsetFamilies"/>), with a different nonzero offset on every row.</summary>
    internal static ObservationBlock RandomOffsetBlock(Random rng, string family, int d, int n)
    {
        var offset = RandomVector(rng, n, 0.7, 0.4);
        return RandomBlock(rng, family, d, n) switch
        {
            BernoulliLogitBlock b => new BernoulliLogitBlock(b.X, b.Y, offset),
            BinomialLogitBlock b => new BinomialLogitBlock(b.X, b.Y, b.TotalCount, offset),
            PoissonLogBlock p => new PoissonLogBlock(p.X, p.Y, offset),
            _ => throw new ArgumentException($"{family} takes no offset"),
        };
    }

    internal static readonly string[] PriorFamilies = ["gaussian", "full_rank_gaussian", "student_t", "laplace"];

    internal static readonly string[] BlockFamilies = ["linear_gaussian", "direct_gaussian", "linear_student_t", "bernoulli_logit", "binomial_logit", "poisson_log"];

    /// <summary>The families whose linear predictor takes an offset.</summary>
    internal static readonly string[] OffsetFamilies = ["bernoulli_logit", "binomial_logit", "poisson_log"];
}
