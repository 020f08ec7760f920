using Afin.Network;

namespace Afin.Correction;

/// <summary>The AFIN posterior as an importance proposal.</summary>
/// <param name="Posterior">The network's answer for the problem.</param>
internal sealed record AfinProposal(AfinPosterior Posterior) : IImportanceProposal
{
    public int Dimension => Posterior.Dimension;

    public double[,] Sample(int count, int seed) => Posterior.Sample(count, seed);

    public double[] LogDensity(double[,] points) => Posterior.LogDensity(points);
}
