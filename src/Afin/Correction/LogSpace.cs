namespace Afin.Correction;

/// <summary>
/// Arithmetic on weights held as logarithms. Importance ratios routinely span hundreds of orders of
/// magnitude (log densities near -1e4 are common), so weights are only ever exponentiated after the
/// largest one has been subtracted.
/// </summary>
internal static class LogSpace
{
    /// <summary>log Σ exp(xᵢ), computed about the maximum; -∞ when every entry is -∞ (or the span is empty).</summary>
    internal static double LogSumExp(ReadOnlySpan<double> values)
    {
        double max = Max(values);
        if (double.IsNegativeInfinity(max))
        {
            return double.NegativeInfinity;
        }
        double sum = 0;
        foreach (double v in values)
        {
            sum += Math.Exp(v - max);
        }
        return max + Math.Log(sum);
    }

    /// <summary>The largest entry; -∞ for an empty span.</summary>
    internal static double Max(ReadOnlySpan<double> values)
    {
        double max = double.NegativeInfinity;
        foreach (double v in values)
        {
            if (v > max)
            {
                max = v;
            }
        }
        return max;
    }

    /// <summary>The log weights shifted so that their exponentials sum to one.</summary>
    /// <remarks>
    /// The maximum is subtracted first and log Σ exp is added back only relative to it, so the result
    /// keeps full precision even when the weights sit near -1e6, where subtracting two huge totals
    /// would cancel about ten digits. At least one entry must be finite; callers check that.
    /// </remarks>
    internal static double[] Normalise(ReadOnlySpan<double> logWeights)
    {
        double max = Max(logWeights);
        var result = new double[logWeights.Length];
        double sum = 0;
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = logWeights[i] - max;
            sum += Math.Exp(result[i]);
        }
        double logSum = Math.Log(sum);
        for (int i = 0; i < result.Length; i++)
        {
            result[i] -= logSum;
        }
        return result;
    }

    /// <summary>Element-wise exponential (exp(-∞) = 0, so zero-weight draws stay exactly zero).</summary>
    internal static double[] Exp(ReadOnlySpan<double> logWeights)
    {
        var result = new double[logWeights.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = Math.Exp(logWeights[i]);
        }
        return result;
    }

    /// <summary>Kish's effective sample size 1 / Σ wᵢ² of weights that sum to one.</summary>
    internal static double EffectiveSampleSize(ReadOnlySpan<double> normalisedWeights)
    {
        double sumSquares = 0;
        foreach (double w in normalisedWeights)
        {
            sumSquares += w * w;
        }
        return 1 / sumSquares;
    }
}
