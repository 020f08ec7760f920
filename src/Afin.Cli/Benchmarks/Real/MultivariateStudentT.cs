using MathNet.Numerics;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;

namespace Afin.Cli.Benchmarks.Real;

/// <summary>
/// A multivariate Student-t distribution with a given mean and covariance (scale = covariance (df - 2) / df): the
/// heavy-tailed importance proposal that cross-checks a NUTS reference.
/// </summary>
internal sealed class MultivariateStudentT
{
    private readonly double[] _mean;
    private readonly Matrix<double> _factor;
    private readonly double _df;
    private readonly double _logNormaliser;

    /// <summary>A t distribution with <paramref name="df"/> &gt; 2 degrees of freedom and this mean and covariance.</summary>
    /// <exception cref="ArgumentException">The covariance is not positive definite.</exception>
    internal MultivariateStudentT(double[] mean, double[,] covariance, double df)
    {
        _mean = mean;
        _df = df;
        _factor = Matrix<double>.Build.DenseOfArray(covariance).Multiply((df - 2) / df).Cholesky().Factor;
        int d = mean.Length;
        double logDetFactor = Enumerable.Range(0, d).Sum(i => Math.Log(_factor[i, i]));
        _logNormaliser = SpecialFunctions.GammaLn((df + d) / 2) - SpecialFunctions.GammaLn(df / 2) - d / 2.0 * Math.Log(df * Math.PI) - logDetFactor;
    }

    internal int Dimension => _mean.Length;

    /// <summary>Draws <paramref name="count"/> points (rows), seeded.</summary>
    internal double[,] Sample(int count, int seed)
    {
        var random = new Random(seed);
        int d = Dimension;
        var draws = new double[count, d];
        var normal = new double[d];
        for (int n = 0; n < count; n++)
        {
            for (int j = 0; j < d; j++)
            {
                normal[j] = Normal.Sample(random, 0, 1);
            }
            double stretch = Math.Sqrt(_df / ChiSquared.Sample(random, _df));
            for (int i = 0; i < d; i++)
            {
                double sum = 0;
                for (int j = 0; j <= i; j++)
                {
                    sum += _factor[i, j] * normal[j];
                }
                draws[n, i] = _mean[i] + stretch * sum;
            }
        }
        return draws;
    }

    /// <summary>The log density at every row of <paramref name="draws"/>.</summary>
    internal double[] LogDensity(double[,] draws)
    {
        int count = draws.GetLength(0), d = Dimension;
        var result = new double[count];
        var solved = new double[d];
        for (int n = 0; n < count; n++)
        {
            double quadratic = 0;
            for (int i = 0; i < d; i++)
            {
                double sum = draws[n, i] - _mean[i];
                for (int j = 0; j < i; j++)
                {
                    sum -= _factor[i, j] * solved[j];
                }
                solved[i] = sum / _factor[i, i];
                quadratic += solved[i] * solved[i];
            }
            result[n] = _logNormaliser - (_df + d) / 2 * Math.Log(1 + quadratic / _df);
        }
        return result;
    }
}
