using Afin.Network;

namespace Afin.Canonical;

/// <summary>
/// A network's posterior of u mapped back to z = m + L u: mean m + L mean_u, covariance L Cov_u Lᵀ, draws m + L u and
/// log q_z(z) = log q_u(L⁻¹(z - m)) - log|det L|. Exact: the map is affine, so nothing is approximated on the way back.
/// </summary>
public sealed class CanonicalAfinPosterior : AfinPosterior
{
    private readonly AffineMap _map;

    internal CanonicalAfinPosterior(AfinPosterior canonical, AffineMap map) : base(canonical.Dimension)
    {
        Canonical = canonical;
        _map = map;
    }

    /// <summary>The network's own posterior, of u.</summary>
    public AfinPosterior Canonical { get; }

    /// <inheritdoc />
    public override PosteriorFamily Family => Canonical.Family;

    /// <inheritdoc />
    public override double[] Mean
    {
        get
        {
            var mean = Canonical.Mean;
            var point = new double[1, Dimension];
            for (int i = 0; i < Dimension; i++)
            {
                point[0, i] = mean[i];
            }
            var z = _map.ToLatent(point);
            return Enumerable.Range(0, Dimension).Select(i => z[0, i]).ToArray();
        }
    }

    /// <inheritdoc />
    public override double[,] Covariance => _map.PushForward(Canonical.Covariance);

    /// <inheritdoc />
    public override double[,] Sample(int count, int seed) => _map.ToLatent(Canonical.Sample(count, seed));

    /// <inheritdoc />
    public override double[] LogDensity(double[,] points)
    {
        CheckPoints(points);
        var logq = Canonical.LogDensity(_map.ToCanonical(points));
        for (int n = 0; n < logq.Length; n++)
        {
            logq[n] -= _map.LogDeterminant;
        }
        return logq;
    }
}
