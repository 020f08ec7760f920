using System.Globalization;

namespace Afin.Correction;

/// <summary>
/// Pareto smoothed importance sampling (PSIS; Vehtari, Simpson, Gelman, Yao and Gabry, JMLR 2024):
/// stabilises importance weights by replacing the largest ratios with the expected order statistics of a
/// generalized Pareto distribution fitted to them, and reports that fit's shape k̂ as a diagnostic of
/// whether the importance sampling estimate can be trusted.
/// </summary>
/// <remarks>
/// <para>
/// Reading k̂: below <see cref="GoodShapeThreshold"/> (0.5) the raw weights have finite variance and the
/// estimate converges quickly; between 0.5 and <see cref="UnreliableShapeThreshold"/> (0.7) PSIS still
/// gives a usable estimate, though more draws help; above 0.7 the estimate is unreliable at any practical
/// number of draws and the proposal should be improved. With few draws the bar is lower,
/// <see cref="SampleSizeThreshold"/>(S) = min(1 - 1/log10 S, 0.7), because the error of the tail
/// fit itself grows as S shrinks.
/// </para>
/// <para>
/// A -∞ log ratio is a draw of zero weight (the target density is zero there); it takes no part in the
/// tail fit and counts not towards S.
/// </para>
/// </remarks>
public static class ParetoSmoothing
{
    /// <summary>k̂ below this (0.5): the weights have finite variance and the estimate is good.</summary>
    public const double GoodShapeThreshold = 0.5;

    /// <summary>k̂ above this (0.7): the estimate is unreliable and the proposal is too far from the target.</summary>
    public const double UnreliableShapeThreshold = 0.7;

    /// <summary>The fewest tail draws a generalized Pareto fit is attempted with; below it k̂ is +∞.</summary>
    public const int MinimumTailLength = 5;

    /// <summary>
    /// Largest ratios that are all equal to within this difference of their logarithms form no tail:
    /// the weights are bounded, need no smoothing, and k̂ is reported as -∞. It sits above the rounding
    /// noise of log densities of magnitude about 1e4, so a proposal equal to the target (constant ratios
    /// up to rounding) is recognised as perfect instead of having its rounding noise fitted.
    /// </summary>
    public const double TieTolerance = 1e-10;

    /// <summary>The number of largest ratios PSIS smooths, M = ⌈min(0.2 S, 3 √S)⌉ for S draws.</summary>
    /// <param name="drawCount">S, the number of draws with a finite ratio (at least 0).</param>
    /// <returns>M, at most S - 1 for S ≥ 2 so that a cutoff ratio remains below the tail.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="drawCount"/> is negative.</exception>
    public static int TailLength(int drawCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(drawCount);
        return (int)Math.Ceiling(Math.Min(0.2 * drawCount, 3 * Math.Sqrt(drawCount)));
    }

    /// <summary>
    /// The sample-size-dependent k̂ threshold min(1 - 1/log10 S, 0.7): above it the PSIS estimate from S
    /// draws is unreliable. It is 0 at S = 10, -∞ at S = 1, and reaches 0.7 from S ≈ 2154 on.
    /// </summary>
    /// <param name="drawCount">S, the number of draws with a finite ratio (at least 1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="drawCount"/> is below 1.</exception>
    public static double SampleSizeThreshold(int drawCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(drawCount, 1);
        return Math.Min(1 - 1 / Math.Log10(drawCount), UnreliableShapeThreshold);
    }

    /// <summary>Pareto-smooths log importance ratios log p(z) - log q(z) (any additive constant is fine).</summary>
    /// <param name="logRatios">
    /// One log ratio per draw, each finite or -∞ (a zero-weight draw). Work happens about the largest
    /// ratio, so values of any magnitude are safe.
    /// </param>
    /// <returns>
    /// The smoothed log ratios and k̂. With fewer than <see cref="MinimumTailLength"/> tail draws (fewer
    /// than 25 finite ratios) no fit is attempted: the ratios come back unchanged and k̂ is +∞. When the
    /// largest ratios are all equal (within <see cref="TieTolerance"/>) they come back unchanged and k̂
    /// is -∞.
    /// </returns>
    /// <exception cref="ArgumentException">A ratio is NaN or +∞.</exception>
    public static ParetoSmoothingResult Smooth(ReadOnlySpan<double> logRatios)
    {
        var result = logRatios.ToArray();
        var (sorted, order) = SortFinite(logRatios);
        int s = sorted.Length, m = TailLength(s);
        if (m < MinimumTailLength)
        {
            return new ParetoSmoothingResult(result, double.PositiveInfinity, 0);
        }
        if (sorted[s - 1] - sorted[s - m - 1] <= TieTolerance)
        {
            return new ParetoSmoothingResult(result, double.NegativeInfinity, 0);
        }
        double max = sorted[s - 1];
        // Shift by the largest ratio so that the largest weight is exactly 1 and nothing overflows.
        double cutoff = Math.Exp(sorted[s - m - 1] - max);
        var exceedances = new double[m];
        for (int i = 0; i < m; i++)
        {
            exceedances[i] = Math.Exp(sorted[s - m + i] - max) - cutoff;
        }
        var fit = GeneralizedParetoFit.Fit(exceedances);
        if (!double.IsFinite(fit.Shape) || !(fit.Scale > 0) || !double.IsFinite(fit.Scale))
        {
            return new ParetoSmoothingResult(result, double.PositiveInfinity, 0);
        }
        for (int i = 0; i < m; i++)
        {
            double smoothed = Math.Log(cutoff + fit.Quantile((i + 0.5) / m));
            // Truncating at the largest raw ratio (0 after the shift) keeps one extreme quantile of a
            // heavy-tailed fit from outweighing every draw actually observed.
            result[order[s - m + i]] = Math.Min(smoothed, 0) + max;
        }
        return new ParetoSmoothingResult(result, fit.Shape, m);
    }

    /// <summary>The finite ratios in ascending order with their positions in the input; rejects NaN and +∞.</summary>
    private static (double[] Sorted, int[] Order) SortFinite(ReadOnlySpan<double> logRatios)
    {
        int count = 0;
        for (int i = 0; i < logRatios.Length; i++)
        {
            double v = logRatios[i];
            if (double.IsNaN(v) || double.IsPositiveInfinity(v))
            {
                throw new ArgumentException(
                    $"logRatios[{i}] is {v.ToString(CultureInfo.InvariantCulture)}; expected a finite log ratio or -∞ for a zero-weight draw.", nameof(logRatios));
            }
            count += double.IsFinite(v) ? 1 : 0;
        }
        var sorted = new double[count];
        var order = new int[count];
        for (int i = 0, k = 0; i < logRatios.Length; i++)
        {
            if (double.IsFinite(logRatios[i]))
            {
                sorted[k] = logRatios[i];
                order[k++] = i;
            }
        }
        Array.Sort(sorted, order);
        return (sorted, order);
    }
}
