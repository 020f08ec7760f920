namespace Afin.Network;

/// <summary>
/// The Monte Carlo moments that stand for a flow posterior's mean and covariance: <see cref="SampleCount"/> draws with
/// the fixed seed <see cref="Seed"/>, covariance with divisor n - 1. Shared by both engines' flow posteriors so that
/// they report moments the same way.
/// </summary>
internal static class FlowMoments
{
    /// <summary>Number of draws behind a flow posterior's mean and covariance.</summary>
    public const int SampleCount = 4096;

    /// <summary>Seed of those draws.</summary>
    public const int Seed = 0;

    /// <summary>The mean and covariance (divisor n - 1) of the rows of <paramref name="z"/>.</summary>
    public static (double[] Mean, double[,] Covariance) Of(double[,] z)
    {
        int n = z.GetLength(0), d = z.GetLength(1);
        var mean = new double[d];
        for (int r = 0; r < n; r++)
        {
            for (int i = 0; i < d; i++)
            {
                mean[i] += z[r, i];
            }
        }
        for (int i = 0; i < d; i++)
        {
            mean[i] /= n;
        }
        var cov = new double[d, d];
        for (int r = 0; r < n; r++)
        {
            for (int i = 0; i < d; i++)
            {
                double a = z[r, i] - mean[i];
                for (int j = 0; j <= i; j++)
                {
                    cov[i, j] += a * (z[r, j] - mean[j]);
                }
            }
        }
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                cov[i, j] /= n - 1;
                cov[j, i] = cov[i, j];
            }
        }
        return (mean, cov);
    }
}
