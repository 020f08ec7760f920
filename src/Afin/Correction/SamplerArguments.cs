using Afin.Modelling;
using Afin.Network;

namespace Afin.Correction;

/// <summary>Argument checks shared by the samplers, each failure naming the offending parameter.</summary>
internal static class SamplerArguments
{
    /// <summary>The fewest draws a sampler accepts: a covariance needs two.</summary>
    internal const int MinimumDraws = 2;

    internal static void Validate(AfinPosterior proposal, ILogDensity target, int draws)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        ArgumentNullException.ThrowIfNull(target);
        if (draws < MinimumDraws)
        {
            throw new ArgumentOutOfRangeException(nameof(draws), draws, $"expected at least {MinimumDraws} draws, got {draws}.");
        }
        if (proposal.Dimension != target.Dimension)
        {
            throw new ArgumentException(
                $"the proposal has dimension {proposal.Dimension} but the target has dimension {target.Dimension}; they must agree.",
                nameof(target));
        }
    }

    /// <summary>Checks that draws and log densities have the shapes a sampler hands in, naming the argument that does not.</summary>
    internal static void ValidateShapes(double[,] draws, double[] logTarget, double[] logProposal)
    {
        ArgumentNullException.ThrowIfNull(draws);
        ArgumentNullException.ThrowIfNull(logTarget);
        ArgumentNullException.ThrowIfNull(logProposal);
        int n = draws.GetLength(0);
        if (n < MinimumDraws)
        {
            throw new ArgumentException($"draws has {n} rows; expected at least {MinimumDraws}.", nameof(draws));
        }
        if (logTarget.Length != n)
        {
            throw new ArgumentException($"logTarget has {logTarget.Length} values; expected one per draw ({n}).", nameof(logTarget));
        }
        if (logProposal.Length != n)
        {
            throw new ArgumentException($"logProposal has {logProposal.Length} values; expected one per draw ({n}).", nameof(logProposal));
        }
    }
}
