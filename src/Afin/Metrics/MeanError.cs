namespace Afin.Metrics;

/// <summary>
/// Error of an approximate posterior mean against a reference mean. Vectors are <c>double[]</c> of length d,
/// one entry per coordinate.
/// </summary>
public static class MeanError
{
    /// <summary>Euclidean norm ||<paramref name="approx"/> - <paramref name="reference"/>||_2.</summary>
    /// <param name="approx">Approximate posterior mean, length d, finite.</param>
    /// <param name="reference">Reference posterior mean, length d, finite.</param>
    /// <returns>The Euclidean distance between the two means.</returns>
    /// <exception cref="ArgumentException">A vector is empty, the lengths differ, or a value is not finite.</exception>
    public static double Euclidean(double[] approx, double[] reference)
    {
        var errors = PerCoordinate(approx, reference);
        double sum = 0;
        foreach (double e in errors)
        {
            sum += e * e;
        }
        return Math.Sqrt(sum);
    }

    /// <summary>Per-coordinate absolute error |approx_i - reference_i|.</summary>
    /// <param name="approx">Approximate posterior mean, length d, finite.</param>
    /// <param name="reference">Reference posterior mean, length d, finite.</param>
    /// <returns>A new array of length d.</returns>
    /// <exception cref="ArgumentException">A vector is empty, the lengths differ, or a value is not finite.</exception>
    public static double[] PerCoordinate(double[] approx, double[] reference)
    {
        MetricArguments.FiniteVector(approx, nameof(approx));
        MetricArguments.FiniteVector(reference, nameof(reference));
        MetricArguments.SameLength(approx.Length, reference.Length, nameof(approx), nameof(reference));
        var errors = new double[approx.Length];
        for (int i = 0; i < errors.Length; i++)
        {
            errors[i] = Math.Abs(approx[i] - reference[i]);
        }
        return errors;
    }
}
