namespace Afin.Simulation.GaussianProcess;

/// <summary>Settings of <see cref="GaussianProcessMcmc"/>; every field's chain uses the same settings.</summary>
/// <param name="Warmup">Iterations that adapt the proposal scale toward <see cref="GaussianProcessMcmc.TargetAcceptance"/>;
/// discarded.</param>
/// <param name="Draws">Draws kept per field after warm-up.</param>
/// <param name="Seed">Seeds the chains: field i's chain draws from its own stream derived from (seed, i), so a field's
/// draws depend on the seed and its index, not on which other fields share the run.</param>
/// <param name="Start">The starting theta of every chain; null starts at the middle of the prior's support.</param>
/// <param name="InitialProposalScale">The random-walk standard deviation the warm-up starts from; null uses a tenth of
/// the prior's support width (0.06 for U(0, 0.6), the review's choice).</param>
/// <param name="Thin">Iterations per kept draw after warm-up (1 keeps every iteration; the review keeps every 20th).</param>
public sealed record GaussianProcessMcmcOptions(
    int Warmup = 500,
    int Draws = 1000,
    int Seed = 0,
    double? Start = null,
    double? InitialProposalScale = null,
    int Thin = 1)
{
    /// <summary>Iterations in all: <see cref="Warmup"/> + <see cref="Draws"/> x <see cref="Thin"/>; progress counts these.</summary>
    public int TotalIterations => Warmup + Draws * Thin;
}
