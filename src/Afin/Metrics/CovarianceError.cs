namespace Afin.Metrics;

/// <summary>
/// Frobenius-norm error of an approximate posterior covariance against a reference covariance. Covariances are
/// d x d <c>double[,]</c> matrices.
/// </summary>
public static class CovarianceError
{
    /// <summary>Frobenius norm ||<paramref name="approx"/> - <paramref name="reference"/>||_F = sqrt(sum_ij (A_ij - R_ij)^2).</summary>
    /// <param name="approx">Approximate covariance, d x d, finite.</param>
    /// <param name="reference">Reference covariance, d x d, finite.</param>
    /// <returns>The Frobenius norm of the difference.</returns>
    /// <exception cref="ArgumentException">A matrix is empty or not square, the shapes differ, or an entry is not finite.</exception>
    public static double Frobenius(double[,] approx, double[,] reference)
    {
        MetricArguments.FiniteSquareMatrix(approx, nameof(approx));
        MetricArguments.FiniteSquareMatrix(reference, nameof(reference));
        MetricArguments.SameShape(approx, reference, nameof(approx), nameof(reference));
        int d = reference.GetLength(0);
        double sum = 0;
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                double diff = approx[i, j] - reference[i, j];
                sum += diff * diff;
            }
        }
        return Math.Sqrt(sum);
    }

    /// <summary>Relative Frobenius error ||approx - reference||_F / ||reference||_F.</summary>
    /// <param name="approx">Approximate covariance, d x d, finite.</param>
    /// <param name="reference">Reference covariance, d x d, finite and not all zero.</param>
    /// <returns>The Frobenius error divided by the Frobenius norm of <paramref name="reference"/>.</returns>
    /// <exception cref="ArgumentException">As for <see cref="Frobenius"/>, or <paramref name="reference"/> is the zero matrix.</exception>
    public static double RelativeFrobenius(double[,] approx, double[,] reference)
    {
        double error = Frobenius(approx, reference);
        double sum = 0;
        foreach (double r in reference)
        {
            sum += r * r;
        }
        if (sum == 0)
        {
            throw new ArgumentException($"{nameof(reference)} is the zero matrix; expected a non-zero Frobenius norm to divide by.", nameof(reference));
        }
        return error / Math.Sqrt(sum);
    }
}
