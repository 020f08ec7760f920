using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace Afin.Metrics;

/// <summary>
/// Kullback-Leibler divergence between two multivariate Gaussians,
/// KL(N(m0, S0) || N(m1, S1)) = 0.5 [tr(S1^-1 S0) + (m1 - m0)^T S1^-1 (m1 - m0) - d + ln det S1 - ln det S0],
/// in nats. Means are <c>double[]</c> of length d; covariances are d x d <c>double[,]</c> matrices that must be
/// symmetric positive definite. Every solve and log-determinant goes through a Cholesky factorisation.
/// </summary>
public static class GaussianKl
{
    /// <summary>Relative tolerance on |S_ij - S_ji| / sqrt(S_ii S_jj) accepted as symmetric.</summary>
    private const double SymmetryTolerance = 1e-8;

    /// <summary>KL(N(<paramref name="mean0"/>, <paramref name="cov0"/>) || N(<paramref name="mean1"/>, <paramref name="cov1"/>)) in nats.</summary>
    /// <param name="mean0">Mean of the first distribution (the one expectations are taken under), length d, finite.</param>
    /// <param name="cov0">Covariance of the first distribution, d x d, symmetric positive definite.</param>
    /// <param name="mean1">Mean of the second distribution, length d, finite.</param>
    /// <param name="cov1">Covariance of the second distribution, d x d, symmetric positive definite.</param>
    /// <returns>
    /// The divergence, which is &gt;= 0 and not symmetric in its two arguments. Rounding can push the exact formula a
    /// few ulps below zero when the two Gaussians are (nearly) identical; such values are returned as 0.
    /// </returns>
    /// <exception cref="ArgumentException">
    /// A vector or matrix is empty, a dimension disagrees, a value is not finite, or a covariance is not symmetric
    /// positive definite (the message names the covariance and the failing entry or pivot).
    /// </exception>
    public static double Divergence(double[] mean0, double[,] cov0, double[] mean1, double[,] cov1)
    {
        MetricArguments.FiniteVector(mean0, nameof(mean0));
        MetricArguments.FiniteVector(mean1, nameof(mean1));
        int d = mean0.Length;
        MetricArguments.SameLength(mean1.Length, d, nameof(mean1), nameof(mean0));
        var chol0 = Factor(cov0, d, nameof(cov0), nameof(mean0));
        var chol1 = Factor(cov1, d, nameof(cov1), nameof(mean0));

        var s0 = Matrix<double>.Build.DenseOfArray(cov0);
        double trace = chol1.Solve(s0).Trace();

        var diff = Vector<double>.Build.Dense(d, i => mean1[i] - mean0[i]);
        double quad = diff.DotProduct(chol1.Solve(diff));

        double kl = 0.5 * (trace + quad - d + chol1.DeterminantLn - chol0.DeterminantLn);
        return Math.Max(0, kl);
    }

    /// <summary>
    /// KL divergence divided by the dimension d (nats per coordinate), for comparing problems of different sizes.
    /// </summary>
    /// <param name="mean0">Mean of the first distribution, length d, finite.</param>
    /// <param name="cov0">Covariance of the first distribution, d x d, symmetric positive definite.</param>
    /// <param name="mean1">Mean of the second distribution, length d, finite.</param>
    /// <param name="cov1">Covariance of the second distribution, d x d, symmetric positive definite.</param>
    /// <returns><see cref="Divergence"/> / d.</returns>
    /// <exception cref="ArgumentException">As for <see cref="Divergence"/>.</exception>
    public static double DivergencePerDimension(double[] mean0, double[,] cov0, double[] mean1, double[,] cov1) =>
        Divergence(mean0, cov0, mean1, cov1) / mean0.Length;

    /// <summary>Validates a covariance and returns its Cholesky factorisation.</summary>
    private static Cholesky<double> Factor(double[,] cov, int d, string name, string meanName)
    {
        MetricArguments.FiniteSquareMatrix(cov, name);
        MetricArguments.SquareOfSize(cov, d, name, meanName);
        for (int i = 0; i < d; i++)
        {
            if (!(cov[i, i] > 0))
            {
                throw new ArgumentException(
                    $"{name}[{i}, {i}] is {MetricArguments.Format(cov[i, i])}; expected a variance > 0 (the covariance must be symmetric positive definite).", name);
            }
        }
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < i; j++)
            {
                double a = cov[i, j], b = cov[j, i];
                if (Math.Abs(a - b) > SymmetryTolerance * Math.Sqrt(cov[i, i] * cov[j, j]))
                {
                    throw new ArgumentException(
                        $"{name}[{i}, {j}] is {MetricArguments.Format(a)} but {name}[{j}, {i}] is {MetricArguments.Format(b)}; expected a symmetric covariance.", name);
                }
            }
        }
        Cholesky<double> cholesky;
        try
        {
            cholesky = Matrix<double>.Build.DenseOfArray(cov).Cholesky();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(
                $"{name} is not symmetric positive definite (its Cholesky factorisation failed: {e.Message}); expected a symmetric positive definite covariance.", name, e);
        }
        var l = cholesky.Factor;
        for (int i = 0; i < d; i++)
        {
            if (!(l[i, i] > 0) || !double.IsFinite(l[i, i]))
            {
                throw new ArgumentException(
                    $"{name} is not symmetric positive definite (Cholesky pivot {i} is {MetricArguments.Format(l[i, i])}); expected a symmetric positive definite covariance.", name);
            }
        }
        return cholesky;
    }
}
