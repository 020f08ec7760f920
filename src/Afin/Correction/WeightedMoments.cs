namespace Afin.Correction;

/// <summary>Mean and covariance of draws under normalised weights (weights summing to one).</summary>
internal static class WeightedMoments
{
    /// <summary>Σ wᵢ zᵢ. Zero-weight rows are skipped, so a non-finite draw given no weight cannot poison the sum.</summary>
    internal static double[] Mean(double[,] draws, double[] weights)
    {
        int n = draws.GetLength(0), d = draws.GetLength(1);
        var mean = new double[d];
        for (int i = 0; i < n; i++)
        {
            if (weights[i] == 0)
            {
                continue;
            }
            for (int j = 0; j < d; j++)
            {
                mean[j] += weights[i] * draws[i, j];
            }
        }
        return mean;
    }

    /// <summary>
    /// Σ wᵢ (zᵢ - μ)(zᵢ - μ)ᵀ, the self-normalised importance estimate of the covariance, exactly
    /// symmetric. No small-sample correction is applied: it would need the effective sample size, and
    /// at the draw counts importance sampling needs the difference is negligible.
    /// </summary>
    internal static double[,] Covariance(double[,] draws, double[] weights, double[] mean)
    {
        int n = draws.GetLength(0), d = draws.GetLength(1);
        var cov = new double[d, d];
        var centred = new double[d];
        for (int i = 0; i < n; i++)
        {
            if (weights[i] == 0)
            {
                continue;
            }
            for (int j = 0; j < d; j++)
            {
                centred[j] = draws[i, j] - mean[j];
            }
            for (int a = 0; a < d; a++)
            {
                for (int b = 0; b <= a; b++)
                {
                    cov[a, b] += weights[i] * centred[a] * centred[b];
                }
            }
        }
        for (int a = 0; a < d; a++)
        {
            for (int b = 0; b < a; b++)
            {
                cov[b, a] = cov[a, b];
            }
        }
        return cov;
    }

    /// <summary>√(Σ wᵢ² (zᵢⱼ - μⱼ)²) per coordinate: the delta-method standard error of a self-normalised weighted mean.</summary>
    internal static double[] MeanStandardError(double[,] draws, double[] weights, double[] mean)
    {
        int n = draws.GetLength(0), d = draws.GetLength(1);
        var sum = new double[d];
        for (int i = 0; i < n; i++)
        {
            if (weights[i] == 0)
            {
                continue;
            }
            double w2 = weights[i] * weights[i];
            for (int j = 0; j < d; j++)
            {
                double centred = draws[i, j] - mean[j];
                sum[j] += w2 * centred * centred;
            }
        }
        return sum.Select(Math.Sqrt).ToArray();
    }
}
