using System.Globalization;
using Afin.Metrics;

namespace Afin.Simulation.Metrics;

/// <summary>
/// The metrics of the review's Gaussian-process benchmark table (Zammit-Mangion et al., "Neural Methods for Amortized
/// Inference"), exactly as review-benchmark.md defines them: the point estimate is the posterior median, the interval
/// the 5% and 95% quantiles, and every score but <see cref="ReviewScores.Cov90"/> is summarised over fields by the
/// median (as the review's table does), not the mean.
/// </summary>
public static class ReviewMetrics
{
    /// <summary>The interval score's miss rate alpha: a 90% interval.</summary>
    public const double Alpha = 0.1;

    /// <summary>Scores one method over a set of test fields.</summary>
    /// <param name="truth">The true theta per field.</param>
    /// <param name="estimate">The point estimate (posterior median) per field.</param>
    /// <param name="lower">The 5% quantile per field.</param>
    /// <param name="upper">The 95% quantile per field. Crossed quantiles (upper &lt; lower, which quantile
    /// regression can produce) are scored as given, as the review's script does.</param>
    /// <param name="samples">Posterior samples per field (any positive number each) for the CRPS; null when the method
    /// gives none (the CRPS scores are then NaN).</param>
    /// <exception cref="ArgumentException">An input is empty, the lengths differ, a value is not finite, or a sample set
    /// is empty; the message names the argument and the index.</exception>
    public static ReviewScores Compute(
        IReadOnlyList<double> truth,
        IReadOnlyList<double> estimate,
        IReadOnlyList<double> lower,
        IReadOnlyList<double> upper,
        IReadOnlyList<double[]>? samples = null)
    {
        CheckVector(truth, nameof(truth), null);
        CheckVector(estimate, nameof(estimate), truth.Count);
        CheckVector(lower, nameof(lower), truth.Count);
        CheckVector(upper, nameof(upper), truth.Count);
        int count = truth.Count;
        if (samples is not null && samples.Count != count)
        {
            throw new ArgumentException($"samples has {samples.Count} sample sets but truth has {count} values; expected one sample set per field", nameof(samples));
        }

        var squared = new double[count];
        var absolute = new double[count];
        var interval = new double[count];
        int covered = 0;
        for (int i = 0; i < count; i++)
        {
            double error = estimate[i] - truth[i];
            squared[i] = error * error;
            absolute[i] = Math.Abs(error);
            interval[i] = IntervalScore(truth[i], lower[i], upper[i]);
            if (lower[i] < truth[i] && truth[i] < upper[i])
            {
                covered++;
            }
        }

        double crps = double.NaN, reference = double.NaN;
        if (samples is not null)
        {
            var scores = new double[count];
            var halfErrors = new double[count];
            for (int i = 0; i < count; i++)
            {
                var set = samples[i];
                string name = $"samples[{i}]";
                if (set is null || set.Length == 0)
                {
                    throw new ArgumentException($"{name} is empty; expected at least one posterior sample", nameof(samples));
                }
                for (int k = 0; k < set.Length; k++)
                {
                    if (!double.IsFinite(set[k]))
                    {
                        throw new ArgumentException($"{name}[{k}] is {Format(set[k])}; expected a finite value", nameof(samples));
                    }
                }
                scores[i] = Crps(truth[i], set);
                halfErrors[i] = CrpsReferenceCode(truth[i], set);
            }
            crps = Median(scores);
            reference = Median(halfErrors);
        }
        return new ReviewScores(count, Math.Sqrt(Median(squared)), Median(absolute), Median(interval), (double)covered / count, crps, reference);
    }

    /// <summary>
    /// Scores a sampling method the way the review's script does: per field, the point estimate is the median of the
    /// samples and the interval their 5% and 95% type-7 quantiles (R's default), and the CRPS uses the same samples.
    /// </summary>
    /// <param name="truth">The true theta per field.</param>
    /// <param name="samples">Posterior samples per field (e.g. <see cref="GaussianProcess.GaussianProcessMcmcResult.Draws"/>).</param>
    /// <exception cref="ArgumentException">An input is empty, the counts differ, a value is not finite, or a sample set
    /// is empty; the message names the argument and the index.</exception>
    public static ReviewScores FromSamples(IReadOnlyList<double> truth, IReadOnlyList<double[]> samples)
    {
        CheckVector(truth, nameof(truth), null);
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count != truth.Count)
        {
            throw new ArgumentException($"samples has {samples.Count} sample sets but truth has {truth.Count} values; expected one sample set per field", nameof(samples));
        }
        int count = truth.Count;
        var estimate = new double[count];
        var lower = new double[count];
        var upper = new double[count];
        for (int i = 0; i < count; i++)
        {
            var set = samples[i];
            if (set is null || set.Length == 0)
            {
                throw new ArgumentException($"samples[{i}] is empty; expected at least one posterior sample", nameof(samples));
            }
            int bad = Array.FindIndex(set, v => !double.IsFinite(v));
            if (bad >= 0)
            {
                throw new ArgumentException($"samples[{i}][{bad}] is {Format(set[bad])}; expected a finite value", nameof(samples));
            }
            var sorted = (double[])set.Clone();
            Array.Sort(sorted);
            estimate[i] = EmpiricalQuantile.Type7Sorted(sorted, 0.5);
            lower[i] = EmpiricalQuantile.Type7Sorted(sorted, Alpha / 2);
            upper[i] = EmpiricalQuantile.Type7Sorted(sorted, 1 - Alpha / 2);
        }
        return Compute(truth, estimate, lower, upper, samples);
    }

    /// <summary>
    /// The interval score of a central 90% interval: (upper - lower) + (2 / alpha)(lower - theta)1{theta &lt; lower}
    /// + (2 / alpha)(theta - upper)1{theta &gt; upper}, alpha = 0.1.
    /// </summary>
    public static double IntervalScore(double truth, double lower, double upper)
    {
        double score = upper - lower;
        if (truth < lower)
        {
            score += 2 / Alpha * (lower - truth);
        }
        if (truth > upper)
        {
            score += 2 / Alpha * (truth - upper);
        }
        return score;
    }

    /// <summary>
    /// The sample CRPS mean_k |theta - s_k| - 0.5 mean_{k,l} |s_k - s_l| (all S^2 ordered pairs, as R's
    /// scoringRules::crps_sample), computed exactly in O(S log S): with the samples sorted ascending,
    /// sum_{k,l} |s_k - s_l| = 2 sum_k (2k - S + 1) s_(k) for k = 0..S-1.
    /// </summary>
    /// <exception cref="ArgumentException">No samples, or a sample or the truth is not finite.</exception>
    public static double Crps(double truth, ReadOnlySpan<double> samples)
    {
        CheckSamples(truth, samples);
        var sorted = samples.ToArray();
        Array.Sort(sorted);
        int s = sorted.Length;
        double absolute = 0, spread = 0;
        for (int k = 0; k < s; k++)
        {
            absolute += Math.Abs(truth - sorted[k]);
            spread += (2.0 * k - s + 1) * sorted[k];
        }
        // 0.5 * (1 / S^2) * 2 * spread.
        return absolute / s - spread / ((double)s * s);
    }

    /// <summary>
    /// 0.5 mean_k |theta - s_k|: what the review's published script reports as CRPS (its second term is
    /// 0.5 mean|theta - shuffled s|, which is 0.5 mean|theta - s|). Use <see cref="Crps"/> for the proper score.
    /// </summary>
    /// <exception cref="ArgumentException">No samples, or a sample or the truth is not finite.</exception>
    public static double CrpsReferenceCode(double truth, ReadOnlySpan<double> samples)
    {
        CheckSamples(truth, samples);
        double absolute = 0;
        foreach (double sample in samples)
        {
            absolute += Math.Abs(truth - sample);
        }
        return 0.5 * absolute / samples.Length;
    }

    /// <summary>The median (the mean of the two middle values for an even count), as R's median.</summary>
    private static double Median(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        int m = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[m] : 0.5 * (sorted[m - 1] + sorted[m]);
    }

    private static void CheckVector(IReadOnlyList<double>? values, string name, int? expectedCount)
    {
        ArgumentNullException.ThrowIfNull(values, name);
        if (values.Count == 0)
        {
            throw new ArgumentException($"{name} is empty; expected one value per test field", name);
        }
        if (expectedCount is int n && values.Count != n)
        {
            throw new ArgumentException($"{name} has {values.Count} values but truth has {n}; expected one value per test field", name);
        }
        for (int i = 0; i < values.Count; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                throw new ArgumentException($"{name}[{i}] is {Format(values[i])}; expected a finite value", name);
            }
        }
    }

    private static void CheckSamples(double truth, ReadOnlySpan<double> samples)
    {
        if (!double.IsFinite(truth))
        {
            throw new ArgumentException($"truth is {Format(truth)}; expected a finite value", nameof(truth));
        }
        if (samples.IsEmpty)
        {
            throw new ArgumentException("samples is empty; expected at least one posterior sample", nameof(samples));
        }
        for (int k = 0; k < samples.Length; k++)
        {
            if (!double.IsFinite(samples[k]))
            {
                throw new ArgumentException($"samples[{k}] is {Format(samples[k])}; expected a finite value", nameof(samples));
            }
        }
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
