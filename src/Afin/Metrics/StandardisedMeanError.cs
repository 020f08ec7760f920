namespace Afin.Metrics;

/// <summary>
/// Mean error measured in reference posterior standard deviations: |approx_i - reference_i| / sd_i per coordinate,
/// summarised by its mean or its maximum over coordinates.
/// </summary>
public static class StandardisedMeanError
{
    /// <summary>Per-coordinate standardised error |approx_i - reference_i| / referenceSd_i.</summary>
    /// <param name="approx">Approximate posterior mean, length d, finite.</param>
    /// <param name="reference">Reference posterior mean, length d, finite.</param>
    /// <param name="referenceSd">Reference posterior standard deviations, length d, finite and &gt; 0.</param>
    /// <returns>A new array of length d.</returns>
    /// <exception cref="ArgumentException">A vector is empty, the lengths differ, a value is not finite, or a standard deviation is not &gt; 0.</exception>
    public static double[] PerCoordinate(double[] approx, double[] reference, double[] referenceSd)
    {
        var errors = MeanError.PerCoordinate(approx, reference);
        MetricArguments.PositiveVector(referenceSd, nameof(referenceSd));
        MetricArguments.SameLength(referenceSd.Length, reference.Length, nameof(referenceSd), nameof(reference));
        for (int i = 0; i < errors.Length; i++)
        {
            errors[i] /= referenceSd[i];
        }
        return errors;
    }

    /// <summary>Mean over coordinates of the standardised error (see <see cref="PerCoordinate"/>).</summary>
    /// <param name="approx">Approximate posterior mean, length d, finite.</param>
    /// <param name="reference">Reference posterior mean, length d, finite.</param>
    /// <param name="referenceSd">Reference posterior standard deviations, length d, finite and &gt; 0.</param>
    /// <returns>(1/d) sum_i |approx_i - reference_i| / referenceSd_i.</returns>
    /// <exception cref="ArgumentException">As for <see cref="PerCoordinate"/>.</exception>
    public static double Mean(double[] approx, double[] reference, double[] referenceSd) =>
        PerCoordinate(approx, reference, referenceSd).Average();

    /// <summary>Maximum over coordinates of the standardised error (see <see cref="PerCoordinate"/>).</summary>
    /// <param name="approx">Approximate posterior mean, length d, finite.</param>
    /// <param name="reference">Reference posterior mean, length d, finite.</param>
    /// <param name="referenceSd">Reference posterior standard deviations, length d, finite and &gt; 0.</param>
    /// <returns>max_i |approx_i - reference_i| / referenceSd_i.</returns>
    /// <exception cref="ArgumentException">As for <see cref="PerCoordinate"/>.</exception>
    public static double Max(double[] approx, double[] reference, double[] referenceSd) =>
        PerCoordinate(approx, reference, referenceSd).Max();
}
