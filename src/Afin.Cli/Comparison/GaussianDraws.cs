using MathNet.Numerics.LinearAlgebra;

namespace Afin.Cli.Comparison;

/// <summary>Draws from a multivariate normal N(mean, covariance), for posteriors known only by their moments.</summary>
internal static class GaussianDraws
{
    /// <summary>count x d draws mean + L e with L the Cholesky factor of the covariance and e standard normal.</summary>
    internal static double[,] Sample(double[] mean, double[,] covariance, int count, int seed)
    {
        var factor = Matrix<double>.Build.DenseOfArray(covariance).Cholesky().Factor;
        var random = new Random(seed);
        int d = mean.Length;
        var draws = new double[count, d];
        var e = new double[d];
        for (int n = 0; n < count; n++)
        {
            for (int j = 0; j < d; j++)
            {
                e[j] = StandardNormal(random);
            }
            for (int i = 0; i < d; i++)
            {
                double value = mean[i];
                for (int j = 0; j <= i; j++)
                {
                    value += factor[i, j] * e[j];
                }
                draws[n, i] = value;
            }
        }
        return draws;
    }

    /// <summary>Box-Muller; 1 - U keeps the logarithm's argument in (0, 1].</summary>
    private static double StandardNormal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
