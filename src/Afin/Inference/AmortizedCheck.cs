using Afin.Correction;
using Afin.Network;

namespace Afin.Inference;

/// <summary>
/// What Amortized mode's quick importance check says about the AFIN posterior it returns uncorrected: the weights'
/// k-hat, and the check's own estimate of how far the AFIN mean lies from the exact one. The weighted means of a few
/// hundred draws estimate the exact posterior means; their distance from q's means, in posterior standard deviations,
/// estimates the amortized answer's error directly, with a Monte Carlo error of its own. That sees what a range check
/// on the problem's statistics cannot: a problem that looks like the training tasks and is answered badly, and one
/// outside them that is answered well.
/// </summary>
public sealed record AmortizedCheck
{
    /// <summary>The k-hat above which the check cannot vouch for q: importance sampling could not repair such a q either.</summary>
    public const double WarningParetoK = 0.7;

    /// <summary>
    /// The check vouches for an answer when it bounds every mean's error (plus twice its Monte Carlo error) below this
    /// many posterior sds; otherwise the answer is flagged.
    /// </summary>
    public const double Clearance = 0.5;

    /// <summary>The number of draws from q the check weighed.</summary>
    public required int Draws { get; init; }

    /// <summary>The PSIS k-hat of the weights.</summary>
    public required double ParetoK { get; init; }

    /// <summary>The estimated error of the AFIN mean: the largest |weighted mean − AFIN mean| / weighted sd over the coordinates.</summary>
    public required double MeanError { get; init; }

    /// <summary>A lower bound on the AFIN mean's error: the largest |shift| − 2 Monte Carlo errors (in sds) over the coordinates, at least 0.</summary>
    public required double MeanErrorLowerBound { get; init; }

    /// <summary>An upper bound on the AFIN mean's error: the largest |shift| + 2 Monte Carlo errors (in sds) over the coordinates.</summary>
    public required double MeanErrorUpperBound { get; init; }

    /// <summary>
    /// Whether the check vouches for the answer: k-hat at most <see cref="WarningParetoK"/> and every mean's error, plus
    /// twice its Monte Carlo error, at most <see cref="Clearance"/> posterior sds.
    /// </summary>
    public bool Clears => ParetoK <= WarningParetoK && MeanErrorUpperBound <= Clearance;

    /// <summary>The check of q against the weighted draws <paramref name="weighted"/> of q itself.</summary>
    internal static AmortizedCheck Of(AfinPosterior q, ImportanceSamplingResult weighted)
    {
        var qMean = q.Mean;
        double error = 0, lower = 0, upper = 0;
        for (int i = 0; i < qMean.Length; i++)
        {
            double sd = Math.Sqrt(weighted.Covariance[i, i]);
            double shift = Math.Abs(weighted.Mean[i] - qMean[i]) / sd;
            double noise = 2 * weighted.MonteCarloStandardError[i] / sd;
            // A NaN (a degenerate weighted sd) must not pass as a small error: Math.Max keeps it, and the bars fail it.
            error = Math.Max(error, shift);
            lower = Math.Max(lower, shift - noise);
            upper = Math.Max(upper, shift + noise);
        }
        return new AmortizedCheck { Draws = weighted.DrawCount, ParetoK = weighted.ParetoK, MeanError = error, MeanErrorLowerBound = lower, MeanErrorUpperBound = upper };
    }
}
