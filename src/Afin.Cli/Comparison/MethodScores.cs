using Afin.Metrics;

namespace Afin.Cli.Comparison;

/// <summary>How far one method lies from the reference posterior.</summary>
/// <param name="MeanSme">Mean over coordinates of |mean error| / reference sd.</param>
/// <param name="MaxSme">Largest coordinate's |mean error| / reference sd.</param>
/// <param name="SlicedW2">Sliced 2-Wasserstein distance between the method's draws and the reference's.</param>
internal sealed record MethodScores(double MeanSme, double MaxSme, double SlicedW2)
{
    /// <summary>Scores <paramref name="method"/> against <paramref name="reference"/>.</summary>
    internal static MethodScores Against(MethodResult method, MethodResult reference)
    {
        var errors = StandardisedMeanError.PerCoordinate(method.Mean, reference.Mean, reference.StandardDeviations);
        return new MethodScores(errors.Average(), errors.Max(), SlicedWasserstein.Distance(method.Draws, reference.Draws));
    }
}
