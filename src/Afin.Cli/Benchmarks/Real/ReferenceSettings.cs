namespace Afin.Cli.Benchmarks.Real;

/// <summary>How long the reference NUTS runs are and how the importance-sampling cross-check is made.</summary>
/// <param name="Chains">NUTS chains.</param>
/// <param name="Warmup">Warm-up iterations per chain (doubled with the draws on a retry).</param>
/// <param name="Draws">Draws per chain.</param>
/// <param name="ImportanceDraws">Draws from the Student-t proposal.</param>
/// <param name="ProposalDf">The proposal's degrees of freedom.</param>
/// <param name="Seed">Seeds NUTS and the proposal.</param>
/// <param name="Threads">Chains run at once, and importance-sampling workers.</param>
internal sealed record ReferenceSettings(int Chains, int Warmup, int Draws, int ImportanceDraws, double ProposalDf, int Seed, int Threads)
{
    /// <summary>R-hat must lie below this for a run to count as converged.</summary>
    internal const double MaxRHat = 1.01;

    /// <summary>Every coordinate's bulk ESS must reach this.</summary>
    internal const double MinEss = 1000;

    /// <summary>Runs that miss the bars are repeated with twice the warm-up and draws, at most this many times.</summary>
    internal const int Retries = 2;
}
