using Afin.Metrics;

namespace Afin.Simulation.GaussianProcess;

/// <summary>The kept draws of <see cref="GaussianProcessMcmc.Run"/>, one chain per field.</summary>
public sealed class GaussianProcessMcmcResult
{
    internal GaussianProcessMcmcResult(double[][] draws, double[] acceptanceRates, double[] proposalScales, TimeSpan elapsed)
    {
        Draws = draws;
        AcceptanceRates = acceptanceRates;
        ProposalScales = proposalScales;
        Elapsed = elapsed;
    }

    /// <summary>Draws[field][k]: the k-th kept theta of that field's chain, in chain order.</summary>
    public double[][] Draws { get; }

    /// <summary>The fraction of accepted proposals per field over the kept (post-warm-up) iterations.</summary>
    public double[] AcceptanceRates { get; }

    /// <summary>The random-walk standard deviation per field after warm-up (fixed while drawing).</summary>
    public double[] ProposalScales { get; }

    /// <summary>Wall-clock time of the run.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Number of fields.</summary>
    public int Fields => Draws.Length;

    /// <summary>
    /// The type-7 empirical quantile (R's and NumPy's default, as the review's scripts use) of field
    /// <paramref name="field"/>'s draws at probability <paramref name="probability"/> in [0, 1].
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The field index or the probability is out of range.</exception>
    public double Quantile(int field, double probability)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(field);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(field, Fields);
        if (!(probability >= 0 && probability <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "expected a probability in [0, 1]");
        }
        var sorted = (double[])Draws[field].Clone();
        Array.Sort(sorted);
        return EmpiricalQuantile.Type7Sorted(sorted, probability);
    }
}
