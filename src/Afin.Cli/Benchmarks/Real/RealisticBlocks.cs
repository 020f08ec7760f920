using Afin.Modelling;
using MathNet.Numerics.Distributions;

namespace Afin.Cli.Benchmarks.Real;

/// <summary>
/// Simulates one likelihood block's responses from the true z and builds the block: Gaussian noise, Student-t noise
/// with gross outliers, Bernoulli labels (optionally quasi-separated), binomial counts over 1..trials, Poisson counts
/// over varying exposures, or direct Gaussian measurements of z.
/// </summary>
internal static class RealisticBlocks
{
    /// <summary>The gross outliers' distance from the line, in noise scales.</summary>
    private const double OutlierShift = 10;

    /// <summary>Builds the block of <paramref name="likelihood"/> over <paramref name="design"/> (null for direct Gaussian).</summary>
    /// <exception cref="InvalidInputException">The family is unknown.</exception>
    internal static ObservationBlock Simulate(LikelihoodDescription likelihood, RealisticDesign? design, int rows, double[] z, Random random)
    {
        if (likelihood.Family == "direct_gaussian")
        {
            return Direct(likelihood, rows, z, random);
        }
        var eta = RealisticTruth.Predictor(design!, z, 0).ToArray();
        return likelihood.Family switch
        {
            "linear_gaussian" => new LinearGaussianBlock(design!.X, eta.Select(e => e + likelihood.Sigma * Normal.Sample(random, 0, 1)).ToArray(), likelihood.Sigma),
            "linear_student_t" => new LinearStudentTBlock(design!.X, RobustResponses(likelihood, eta, random), likelihood.Sigma, likelihood.Df),
            "bernoulli_logit" => new BernoulliLogitBlock(design!.X, Labels(likelihood, design, eta, random)),
            "binomial_logit" => Binomial(likelihood, design!, eta, random),
            "poisson_log" => Counts(likelihood, design!, eta, random),
            _ => throw new InvalidInputException($"suite: unknown likelihood family '{likelihood.Family}'"),
        };
    }

    internal static double Sigmoid(double eta) => 1 / (1 + Math.Exp(-eta));

    /// <summary>y = eta + sigma t(noise df), and a gross outlier (±10 sigma) in a fraction of rows.</summary>
    private static double[] RobustResponses(LikelihoodDescription likelihood, double[] eta, Random random)
    {
        double df = likelihood.NoiseDf ?? likelihood.Df;
        return eta.Select(e =>
        {
            double y = e + StudentT.Sample(random, 0, likelihood.Sigma, df);
            return random.NextDouble() < likelihood.Contamination ? y + (random.Next(2) == 0 ? -1 : 1) * OutlierShift * likelihood.Sigma : y;
        }).ToArray();
    }

    /// <summary>Bernoulli labels; with separation, every row with the first indicator set is a success. At least one success.</summary>
    private static double[] Labels(LikelihoodDescription likelihood, RealisticDesign design, double[] eta, Random random)
    {
        var y = eta.Select(e => random.NextDouble() < Sigmoid(e) ? 1.0 : 0.0).ToArray();
        if (likelihood.Separation && design.FirstBinary >= 0)
        {
            for (int r = 0; r < y.Length; r++)
            {
                y[r] = design.X[r, design.FirstBinary] == 1 ? 1 : y[r];
            }
        }
        if (y.All(v => v == 0))
        {
            y[Array.IndexOf(eta, eta.Max())] = 1;
        }
        return y;
    }

    /// <summary>Binomial successes out of 1..trials per row.</summary>
    private static BinomialLogitBlock Binomial(LikelihoodDescription likelihood, RealisticDesign design, double[] eta, Random random)
    {
        var trials = eta.Select(_ => (double)(1 + random.Next(likelihood.Trials))).ToArray();
        var y = eta.Select((e, r) => (double)MathNet.Numerics.Distributions.Binomial.Sample(random, Sigmoid(e), (int)trials[r])).ToArray();
        return new BinomialLogitBlock(design.X, y, trials);
    }

    /// <summary>
    /// Counts over exposures log-uniform in [min_exposure, max_exposure]: y ~ Poisson(exposure exp(eta)), the log exposure
    /// each row's offset, as a rate model states it.
    /// </summary>
    private static PoissonLogBlock Counts(LikelihoodDescription likelihood, RealisticDesign design, double[] eta, Random random)
    {
        double low = Math.Log(likelihood.MinExposure), high = Math.Log(likelihood.MaxExposure);
        var offset = eta.Select(_ => low + (high - low) * random.NextDouble()).ToArray();
        var y = eta.Select((e, r) => (double)Poisson.Sample(random, Math.Exp(e + offset[r]))).ToArray();
        return new PoissonLogBlock(design.X, y, offset);
    }

    /// <summary>Rows of direct measurements z + sigma e.</summary>
    private static DirectGaussianBlock Direct(LikelihoodDescription likelihood, int rows, double[] z, Random random)
    {
        var y = new double[rows, z.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < z.Length; j++)
            {
                y[r, j] = z[j] + likelihood.Sigma * Normal.Sample(random, 0, 1);
            }
        }
        return new DirectGaussianBlock(y, likelihood.Sigma);
    }
}
