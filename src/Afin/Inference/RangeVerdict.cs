using Afin.Laplace;
using Afin.Modelling;
using Afin.Training;

namespace Afin.Inference;

/// <summary>
/// Whether a problem lies where the network has seen tasks: <see cref="TrainingRange"/>'s structural and value checks
/// (d, N, families, degrees of freedom, counts), and then the problem's <see cref="CanonicalStatistics"/> against the
/// training tasks' <see cref="StatisticBounds"/>, which see what d and N cannot: separation, saturated likelihoods,
/// imbalance, a posterior far from Gaussian.
/// </summary>
/// <param name="Reasons">Every reason the problem lies outside, one sentence each; empty inside.</param>
/// <param name="Laplace">The problem's Laplace approximation, kept for the Laplace-t proposal; null when it failed.</param>
/// <param name="Elapsed">The time of the check, the Laplace search included.</param>
internal sealed record RangeVerdict(IReadOnlyList<string> Reasons, LaplacePosterior? Laplace, TimeSpan Elapsed)
{
    internal static RangeVerdict Of(TrainingRange range, StatisticBounds bounds, BayesianProblem problem, AutoInferenceOptions options,
        CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var reasons = range.Check(problem).ToList();
        LaplacePosterior? laplace;
        try
        {
            laplace = LaplaceApproximation.Compute(problem, options.Laplace, cancellationToken);
        }
        catch (InvalidOperationException)
        {
            // No Laplace approximation: no statistics, and the Laplace-t proposal will record the failure itself.
            return new RangeVerdict(reasons, null, clock.Elapsed);
        }
        reasons.AddRange(bounds.Exceeded(CanonicalStatistics.Of(problem, laplace)));
        return new RangeVerdict(reasons, laplace, clock.Elapsed);
    }
}
