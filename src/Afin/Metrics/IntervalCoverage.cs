using MathNet.Numerics.Distributions;

namespace Afin.Metrics;

/// <summary>
/// Calibration of marginal central credible intervals: the fraction of coordinates whose true parameter value lies
/// inside the central interval of a given level, either from posterior samples (empirical type-7 quantiles) or from
/// Gaussian marginals (mean ± z sd). For a calibrated posterior and truths drawn from the prior the expected coverage
/// is the nominal level. Interval end points count as inside.
/// </summary>
public static class IntervalCoverage
{
    /// <summary>Coverage for one problem from posterior samples.</summary>
    /// <param name="truth">True parameter vector, length d, finite.</param>
    /// <param name="samples">Posterior samples, n x d (one draw per row, n &gt;= 1), finite.</param>
    /// <param name="level">Interval level in (0, 1), e.g. 0.9 for the 5%-95% interval.</param>
    /// <returns>The fraction of the d coordinates whose true value lies in [Q((1-level)/2), Q((1+level)/2)] of that coordinate's samples (type-7 quantiles).</returns>
    /// <exception cref="ArgumentException">An input is empty, a dimension disagrees, a value is not finite, or <paramref name="level"/> is outside (0, 1).</exception>
    public static double FromSamples(double[] truth, double[,] samples, double level)
    {
        MetricArguments.FiniteVector(truth, nameof(truth));
        MetricArguments.Level(level, nameof(level));
        return (double)CountCoveredBySamples(truth, samples, level, nameof(samples)) / truth.Length;
    }

    /// <summary>Coverage pooled over k problems from posterior samples.</summary>
    /// <param name="truths">True parameter vectors, k x d (one problem per row), finite.</param>
    /// <param name="samples">Posterior samples per problem: k matrices, the i-th n_i x d (n_i &gt;= 1, may differ), finite.</param>
    /// <param name="level">Interval level in (0, 1).</param>
    /// <returns>The fraction of all k d (problem, coordinate) pairs whose true value lies in its central interval.</returns>
    /// <exception cref="ArgumentException">An input is empty, the number of sample sets is not k, a dimension disagrees, a value is not finite, or <paramref name="level"/> is outside (0, 1).</exception>
    public static double FromSamples(double[,] truths, IReadOnlyList<double[,]> samples, double level)
    {
        MetricArguments.FiniteMatrix(truths, nameof(truths));
        MetricArguments.NotNull(samples, nameof(samples));
        MetricArguments.Level(level, nameof(level));
        int k = truths.GetLength(0), d = truths.GetLength(1);
        if (samples.Count != k)
        {
            throw new ArgumentException(
                $"{nameof(samples)} has {samples.Count} sample sets but {nameof(truths)} has {k} rows; expected one sample set per true parameter vector.", nameof(samples));
        }
        var truth = new double[d];
        long covered = 0;
        for (int p = 0; p < k; p++)
        {
            for (int j = 0; j < d; j++)
            {
                truth[j] = truths[p, j];
            }
            covered += CountCoveredBySamples(truth, samples[p], level, $"{nameof(samples)}[{p}]");
        }
        return (double)covered / ((long)k * d);
    }

    /// <summary>Coverage for one problem from Gaussian marginals N(mean_i, sd_i^2).</summary>
    /// <param name="truth">True parameter vector, length d, finite.</param>
    /// <param name="mean">Posterior marginal means, length d, finite.</param>
    /// <param name="sd">Posterior marginal standard deviations, length d, finite and &gt; 0.</param>
    /// <param name="level">Interval level in (0, 1).</param>
    /// <returns>The fraction of coordinates with |truth_i - mean_i| &lt;= z sd_i, z = Phi^-1((1 + level) / 2).</returns>
    /// <exception cref="ArgumentException">A vector is empty, the lengths differ, a value is not finite, a standard deviation is not &gt; 0, or <paramref name="level"/> is outside (0, 1).</exception>
    public static double FromGaussian(double[] truth, double[] mean, double[] sd, double level)
    {
        MetricArguments.FiniteVector(truth, nameof(truth));
        MetricArguments.FiniteVector(mean, nameof(mean));
        MetricArguments.PositiveVector(sd, nameof(sd));
        MetricArguments.SameLength(mean.Length, truth.Length, nameof(mean), nameof(truth));
        MetricArguments.SameLength(sd.Length, truth.Length, nameof(sd), nameof(truth));
        MetricArguments.Level(level, nameof(level));
        double z = Normal.InvCDF(0, 1, 0.5 * (1 + level));
        int covered = 0;
        for (int i = 0; i < truth.Length; i++)
        {
            if (Math.Abs(truth[i] - mean[i]) <= z * sd[i])
            {
                covered++;
            }
        }
        return (double)covered / truth.Length;
    }

    /// <summary>Coverage pooled over k problems from Gaussian marginals.</summary>
    /// <param name="truths">True parameter vectors, k x d, finite.</param>
    /// <param name="means">Posterior marginal means, k x d, finite.</param>
    /// <param name="sds">Posterior marginal standard deviations, k x d, finite and &gt; 0.</param>
    /// <param name="level">Interval level in (0, 1).</param>
    /// <returns>The fraction of all k d (problem, coordinate) pairs with |truth - mean| &lt;= z sd, z = Phi^-1((1 + level) / 2).</returns>
    /// <exception cref="ArgumentException">A matrix is empty, the shapes differ, a value is not finite, a standard deviation is not &gt; 0, or <paramref name="level"/> is outside (0, 1).</exception>
    public static double FromGaussian(double[,] truths, double[,] means, double[,] sds, double level)
    {
        MetricArguments.FiniteMatrix(truths, nameof(truths));
        MetricArguments.FiniteMatrix(means, nameof(means));
        MetricArguments.FiniteMatrix(sds, nameof(sds));
        MetricArguments.SameShape(means, truths, nameof(means), nameof(truths));
        MetricArguments.SameShape(sds, truths, nameof(sds), nameof(truths));
        MetricArguments.Level(level, nameof(level));
        int k = truths.GetLength(0), d = truths.GetLength(1);
        for (int p = 0; p < k; p++)
        {
            for (int j = 0; j < d; j++)
            {
                if (!(sds[p, j] > 0))
                {
                    throw new ArgumentException(
                        $"{nameof(sds)}[{p}, {j}] is {MetricArguments.Format(sds[p, j])}; expected a standard deviation > 0.", nameof(sds));
                }
            }
        }
        double z = Normal.InvCDF(0, 1, 0.5 * (1 + level));
        long covered = 0;
        for (int p = 0; p < k; p++)
        {
            for (int j = 0; j < d; j++)
            {
                if (Math.Abs(truths[p, j] - means[p, j]) <= z * sds[p, j])
                {
                    covered++;
                }
            }
        }
        return (double)covered / ((long)k * d);
    }

    private static int CountCoveredBySamples(double[] truth, double[,] samples, double level, string name)
    {
        MetricArguments.FiniteMatrix(samples, name);
        int n = samples.GetLength(0), d = truth.Length;
        if (samples.GetLength(1) != d)
        {
            throw new ArgumentException(
                $"{name} has {samples.GetLength(1)} columns but the true parameter vector has {d} coordinates; expected one column per coordinate.", name);
        }
        double lowerP = 0.5 * (1 - level), upperP = 0.5 * (1 + level);
        var column = new double[n];
        int covered = 0;
        for (int j = 0; j < d; j++)
        {
            for (int i = 0; i < n; i++)
            {
                column[i] = samples[i, j];
            }
            Array.Sort(column);
            double lower = EmpiricalQuantile.Type7Sorted(column, lowerP);
            double upper = EmpiricalQuantile.Type7Sorted(column, upperP);
            if (truth[j] >= lower && truth[j] <= upper)
            {
                covered++;
            }
        }
        return covered;
    }
}
