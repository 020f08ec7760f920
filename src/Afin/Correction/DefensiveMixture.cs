namespace Afin.Correction;

/// <summary>
/// The defensive mixture ½ q₁ + ½ q₂ of two proposals, weighted from draws already made from each: the draws of both
/// are pooled and every draw is weighted by p / (½ q₁ + ½ q₂) (the balance heuristic of multiple importance sampling,
/// Veach and Guibas 1995; Owen and Zhou 2000). The target is not evaluated again, only each proposal's density at the
/// other's draws, and the mixture's ratios are bounded by twice those of the better proposal wherever it covers p.
/// </summary>
internal static class DefensiveMixture
{
    /// <summary>Pools <paramref name="first"/> (drawn from <paramref name="q1"/>) and <paramref name="second"/> (from <paramref name="q2"/>), equal counts.</summary>
    /// <exception cref="ArgumentException">The two runs differ in draw count or dimension.</exception>
    /// <exception cref="InvalidOperationException">No pooled draw has a finite weight.</exception>
    internal static ImportanceSamplingResult Combine(IImportanceProposal q1, ImportanceSamplingResult first,
        IImportanceProposal q2, ImportanceSamplingResult second)
    {
        if (first.DrawCount != second.DrawCount || first.Dimension != second.Dimension)
        {
            throw new ArgumentException(
                $"the mixture pools equal runs; got {first.DrawCount} x {first.Dimension} and {second.DrawCount} x {second.Dimension} draws.", nameof(second));
        }
        var draws = Stack(first.Draws, second.Draws);
        var logTarget = first.LogTarget.Concat(second.LogTarget).ToArray();
        var logQ1 = first.LogProposal.Concat(q1.LogDensity(second.Draws)).ToArray();
        var logQ2 = q2.LogDensity(first.Draws).Concat(second.LogProposal).ToArray();
        var logMixture = new double[logQ1.Length];
        for (int i = 0; i < logMixture.Length; i++)
        {
            logMixture[i] = Math.Log(0.5) + LogAddExp(logQ1[i], logQ2[i]);
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
