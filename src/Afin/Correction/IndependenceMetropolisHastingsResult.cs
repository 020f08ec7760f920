namespace Afin.Correction;

/// <summary>The chain of an independence Metropolis-Hastings run, its acceptance rate and its sample moments.</summary>
/// <remarks>Arrays are returned as held, not copied.</remarks>
public sealed class IndependenceMetropolisHastingsResult
{
    internal IndependenceMetropolisHastingsResult(double[,] draws, double acceptanceRate, int nonFiniteProposals, double[] mean, double[,] covariance)
    {
        Draws = draws;
        AcceptanceRate = acceptanceRate;
        NonFiniteProposals = nonFiniteProposals;
        Mean = mean;
        Covariance = covariance;
    }

    /// <summary>The chain after burn-in, n x d, one state per row (repeated rows are rejected moves).</summary>
    public double[,] Draws { get; }

    /// <summary>
    /// The fraction of proposed moves accepted over the whole run, burn-in included, in [0, 1]. Near 1
    /// means the proposal is close to the target; the chain's draws are then nearly independent.
    /// </summary>
    public double AcceptanceRate { get; }

    /// <summary>The number of proposals at which log p or log q was NaN or infinite; each was rejected.</summary>
    public int NonFiniteProposals { get; }

    /// <summary>The sample mean of <see cref="Draws"/>, length d.</summary>
    public double[] Mean { get; }

    /// <summary>The sample covariance of <see cref="Draws"/> (divisor n - 1), d x d.</summary>
    public double[,] Covariance { get; }
}
