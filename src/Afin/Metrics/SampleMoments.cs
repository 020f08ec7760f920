namespace Afin.Metrics;

/// <summary>
/// Sample mean and covariance of posterior draws. Sample sets are n x d <c>double[,]</c> matrices with one draw per
/// row and one coordinate per column (the representation every metric in this namespace uses); covariances are
/// d x d <c>double[,]</c>.
/// </summary>
public static class SampleMoments
{
    /// <summary>Column means of the samples.</summary>
    /// <param name="samples">Samples, n x d with n &gt;= 1, finite.</param>
    /// <returns>A new array of length d.</returns>
    /// <exception cref="ArgumentException"><paramref name="samples"/> is empty or holds a non-finite value.</exception>
    public static double[] Mean(double[,] samples)
    {
        MetricArguments.FiniteMatrix(samples, nameof(samples));
        return ColumnMeans(samples);
    }

    /// <summary>Unbiased sample covariance (divisor n - 1), computed in two passes about the mean; exactly symmetric.</summary>
    /// <param name="samples">Samples, n x d with n &gt;= 2, finite.</param>
    /// <returns>A new d x d matrix.</returns>
    /// <exception cref="ArgumentException"><paramref name="samples"/> has fewer than two rows, no columns, or a non-finite value.</exception>
    public static double[,] Covariance(double[,] samples)
    {
        MetricArguments.FiniteMatrix(samples, nameof(samples));
        int n = samples.GetLength(0), d = samples.GetLength(1);
        if (n < 2)
        {
            throw new ArgumentException($"{nameof(samples)} has {n} row; expected at least 2 draws to estimate a covariance.", nameof(samples));
        }
        var mean = ColumnMeans(samples);
        var cov = new double[d, d];
        var centred = new double[d];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++)
            {
                centred[j] = samples[i, j] - mean[j];
            }
            for (int a = 0; a < d; a++)
            {
                for (int b = 0; b <= a; b++)
                {
                    cov[a, b] += centred[a] * centred[b];
                }
            }
        }
        for (int a = 0; a < d; a++)
        {
            for (int b = 0; b <= a; b++)
            {
                cov[a, b] /= n - 1;
                cov[b, a] = cov[a, b];
            }
        }
        return cov;
    }

    /// <summary>Column standard deviations, the square roots of the diagonal of <see cref="Covariance"/> (divisor n - 1).</summary>
    /// <param name="samples">Samples, n x d with n &gt;= 2, finite.</param>
    /// <returns>A new array of length d.</returns>
    /// <exception cref="ArgumentException">As for <see cref="Covariance"/>.</exception>
    public static double[] StandardDeviation(double[,] samples)
    {
        MetricArguments.FiniteMatrix(samples, nameof(samples));
        int n = samples.GetLength(0), d = samples.GetLength(1);
        if (n < 2)
        {
            throw new ArgumentException($"{nameof(samples)} has {n} row; expected at least 2 draws to estimate a standard deviation.", nameof(samples));
        }
        var mean = ColumnMeans(samples);
        var sd = new double[d];
        for (int j = 0; j < d; j++)
        {
            double sum = 0;
            for (int i = 0; i < n; i++)
            {
                double c = samples[i, j] - mean[j];
                sum += c * c;
            }
            sd[j] = Math.Sqrt(sum / (n - 1));
        }
        return sd;
    }

    private static double[] ColumnMeans(double[,] samples)
    {
        int n = samples.GetLength(0), d = samples.GetLength(1);
        var mean = new double[d];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++)
            {
                mean[j] += samples[i, j];
            }
        }
        for (int j = 0; j < d; j++)
        {
            mean[j] /= n;
        }
        return mean;
    }
}
