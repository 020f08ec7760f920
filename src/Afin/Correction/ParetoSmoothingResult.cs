namespace Afin.Correction;

/// <summary>The outcome of <see cref="ParetoSmoothing.Smooth"/>: smoothed log weights and the tail-shape diagnostic k̂.</summary>
public sealed class ParetoSmoothingResult
{
    internal ParetoSmoothingResult(double[] logWeights, double paretoK, int tailLength)
    {
        LogWeights = logWeights;
        ParetoK = paretoK;
        TailLength = tailLength;
    }

    /// <summary>
    /// The smoothed log importance ratios, one per input, on the same scale as the input (not normalised):
    /// the largest ratios are replaced by the fitted tail's expected order statistics, the rest are the
    /// input unchanged, and -∞ entries stay -∞. Equal to the input when <see cref="TailLength"/> is 0.
    /// </summary>
    public double[] LogWeights { get; }

    /// <summary>
    /// The estimated generalized Pareto shape k̂ of the upper tail of the ratios; see
    /// <see cref="ParetoSmoothing"/> for how to read it. +∞ when there were too few finite ratios to fit
    /// a tail (or the fit failed), -∞ when the largest ratios are all equal (no tail at all).
    /// </summary>
    public double ParetoK { get; }

    /// <summary>The number of ratios replaced by the fitted tail; 0 when the weights were left unsmoothed.</summary>
    public int TailLength { get; }
}
