using Afin.Laplace;
using Afin.Modelling;

namespace Afin.Canonical;

/// <summary>
/// A problem seen from its Laplace approximation: the map z = m + L u chosen from it (see <see cref="LatentCoordinates"/>)
/// and the problem's twin in u, which is what the network is given.
/// </summary>
internal sealed class CanonicalFrame
{
    private CanonicalFrame(BayesianProblem problem, AffineMap map, LaplacePosterior laplace)
    {
        Problem = problem;
        Map = map;
        Laplace = laplace;
    }

    /// <summary>The twin of the problem in u.</summary>
    internal BayesianProblem Problem { get; }

    internal AffineMap Map { get; }

    internal LaplacePosterior Laplace { get; }

    /// <summary>
    /// The frame of <paramref name="problem"/>. Any invertible map keeps the twin exact, so a Laplace search that did not
    /// converge still gives a valid frame, only a less canonical one.
    /// </summary>
    internal static CanonicalFrame Create(BayesianProblem problem, LatentCoordinates coordinates, LaplaceOptions? options = null)
    {
        if (coordinates == LatentCoordinates.Original)
        {
            throw new ArgumentException("the original coordinates need no frame", nameof(coordinates));
        }
        var laplace = LaplaceApproximation.Compute(problem, options);
        bool diagonal = coordinates == LatentCoordinates.Diagonal;
        var map = diagonal ? AffineMap.Diagonal(laplace.Mode, laplace.StdDev) : AffineMap.Whitening(laplace.Mode, laplace.PrecisionFactor);
        return new CanonicalFrame(CanonicalProblem.Of(problem, map, diagonal), map, laplace);
    }
}
