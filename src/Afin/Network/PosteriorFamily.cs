namespace Afin.Network;

/// <summary>The variational family an <c>AfinNetwork</c> decodes to.</summary>
public enum PosteriorFamily
{
    /// <summary>A full-covariance Gaussian parameterised by its mean and a diagonally dominant precision matrix.</summary>
    Gaussian,

    /// <summary>A RealNVP normalising flow conditioned on the pooled factor features.</summary>
    Flow,
}
