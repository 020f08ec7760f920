namespace Afin.Correction;

/// <summary>
/// The defensive mixture of two proposals, weighted from draws already made from each: the draws of both are pooled
/// and every draw is weighted by p / (α₁ q₁ + α₂ q₂), α the runs' shares of the draws (the balance heuristic of multiple
/// importance sampling, Veach and Guibas 1995; Owen and Zhou 2000). The target is not evaluated again, only each
/// proposal's density at the other's draws, and for equal runs the mixture's ratios are bounded by twice those of the
/// better proposal wherever it covers p.
/// </summary>
internal static class DefensiveMixture
{
    /// <summary>
    /// Pools <paramref name="first"/> (drawn from <paramref name="q1"/>) and <paramref name="second"/> (from
    /// <paramref name="q2"/>), weighting by the mixture in the runs' proportions, n1 q1 + n2 q2 over n1 + n2 (the balance
    /// heuristic): half and half for equal runs.
    /// </summary>
    /// <exception cref="ArgumentException">The two runs differ in dimension.</exception>
    /// <exception cref="InvalidOperationException">No pooled draw has a finite weight.</exception>
    internal static ImportanceSamplingResult Combine(IImportanceProposal q1, ImportanceSamplingResult first,
        IImportanceProposal q2, ImportanceSamplingResult second)
    {
        if (first.Dimension != second.Dimension)
        {
            throw new ArgumentException(
                $"the mixture pools runs of one dimension; got {first.DrawCount} x {first.Dimension} and {second.DrawCount} x {second.Dimension} draws.", nameof(second));
        }
        var draws = Stack(first.Draws, second.Draws);
        var logTarget = first.LogTarget.Concat(second.LogTarget).ToArray();
        var logQ1 = first.LogProposal.Concat(q1.LogDensity(second.Draws)).ToArray();
        var logQ2 = q2.LogDensity(first.Draws).Concat(second.LogProposal).ToArray();
        double share1 = Math.Log((double)first.DrawCount / (first.DrawCount + second.DrawCount));
        double share2 = Math.Log((double)second.DrawCount / (first.DrawCount + second.DrawCount));
        var logMixture = new double[logQ1.Length];
        for (int i = 0; i < logMixture.Length; i++)
        {
            logMixture[i] = LogAddExp(share1 + logQ1[i], share2 + logQ2[i]);
        }
        return ImportanceSampler.Reweight(draws, logTarget, logMixture);
    }

    /// <summary>log(eᵃ + eᵇ) without overflow; -∞ when both are -∞, NaN when either is NaN.</summary>
    private static double LogAddExp(double a, double b)
    {
        double high = Math.Max(a, b);
        return double.IsNegativeInfinity(high) ? high : high + Math.Log(Math.Exp(a - high) + Math.Exp(b - high));
    }

    private static double[,] Stack(double[,] top, double[,] bottom)
    {
        int n1 = top.GetLength(0), n2 = bottom.GetLength(0), d = top.GetLength(1);
        var stacked = new double[n1 + n2, d];
        Buffer.BlockCopy(top, 0, stacked, 0, n1 * d * sizeof(double));
        Buffer.BlockCopy(bottom, 0, stacked, n1 * d * sizeof(double), n2 * d * sizeof(double));
        return stacked;
    }
}
