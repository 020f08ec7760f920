using Afin.Metrics;
using Afin.Network;

namespace Afin.Training;

/// <summary>
/// Scores a network on reference problems with the realistic suite's headline metrics: the median over problems of the
/// largest standardised mean error and of KL / d, as <c>afin bench real</c> reports them, and of each problem's mean
/// standardised error over its coordinates (the bench reports the median over coordinates; the campaign's history keeps
/// this one).
/// </summary>
internal static class ReferenceValidation
{
    internal static ValidationScores Score(AfinNetwork network, IReadOnlyList<ReferenceProblem> references, int step)
    {
        var posteriors = network.Infer(references.Select(r => r.Problem).ToArray());
        var meanSme = new double[references.Count];
        var maxSme = new double[references.Count];
        var kl = new double[references.Count];
        for (int i = 0; i < references.Count; i++)
        {
            var r = references[i];
            var sd = Enumerable.Range(0, r.Mean.Length).Select(j => Math.Sqrt(r.Covariance[j, j])).ToArray();
            meanSme[i] = StandardisedMeanError.Mean(posteriors[i].Mean, r.Mean, sd);
            maxSme[i] = StandardisedMeanError.Max(posteriors[i].Mean, r.Mean, sd);
            kl[i] = GaussianKl.DivergencePerDimension(r.Mean, r.Covariance, posteriors[i].Mean, posteriors[i].Covariance);
        }
        return new ValidationScores(step, Median(meanSme), Median(kl), references.Count) { MedianMaxStandardisedMeanError = Median(maxSme) };
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }
}
