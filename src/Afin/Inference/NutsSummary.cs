using Afin.References;

namespace Afin.Inference;

/// <summary>
/// The convergence diagnostics of a NUTS run at a glance: the worst coordinate's R-hat and bulk
/// effective sample size, and the divergent transitions.
/// </summary>
/// <param name="MaxRHat">The largest rank-normalised split R-hat over the coordinates (NaN when a coordinate has none).</param>
/// <param name="MinBulkEss">The smallest bulk effective sample size over the coordinates (NaN when a coordinate has none).</param>
/// <param name="Divergences">Divergent post-warmup transitions over all chains.</param>
/// <param name="Chains">The number of chains.</param>
/// <param name="DrawsPerChain">Post-warmup draws per chain.</param>
public sealed record NutsSummary(double MaxRHat, double MinBulkEss, int Divergences, int Chains, int DrawsPerChain)
{
    /// <summary>The R-hat above which chains are taken to disagree (Vehtari et al. 2021).</summary>
    public const double RHatThreshold = 1.01;

    /// <summary>The bulk effective sample size asked for per chain (Vehtari et al. 2021: 100 per chain).</summary>
    public const double EssPerChainThreshold = 100;

    /// <summary>
    /// Whether the run shows no sign of trouble: R-hat at most <see cref="RHatThreshold"/>, bulk ESS
    /// at least <see cref="EssPerChainThreshold"/> per chain, and no divergences.
    /// </summary>
    public bool Converged => MaxRHat <= RHatThreshold && MinBulkEss >= EssPerChainThreshold * Chains && Divergences == 0;

    /// <summary>Summarises a run.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="result"/> is null.</exception>
    public static NutsSummary From(NutsResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new NutsSummary(WorstOf(result.RHat, Math.Max), WorstOf(result.BulkEss, Math.Min), result.Divergences, result.Chains, result.DrawsPerChain);
    }

    /// <summary>Folds the values with <paramref name="pick"/>, keeping NaN (a missing diagnostic) rather than skipping it.</summary>
    private static double WorstOf(IReadOnlyList<double> values, Func<double, double, double> pick)
    {
        double worst = values[0];
        for (int i = 1; i < values.Count; i++)
        {
            worst = pick(worst, values[i]);
        }
        return worst;
    }
}
