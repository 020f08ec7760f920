using Afin.Laplace;
using Afin.Network;
using Afin.Persistence;

namespace Afin.Training;

/// <summary>
/// Accuracy on held-out simulated tasks, where the truth is the z0 each task was simulated from. The mean of
/// -log q(z0) / d is the forward KL from the true posterior to q, averaged over tasks, plus a constant (the posterior's
/// entropy) that does not depend on q; so the difference between two scores on the same tasks is exactly the difference
/// of their average KL / d, and the Laplace approximation's score on the same tasks is the yardstick.
/// </summary>
/// <param name="Tasks">The number of held-out tasks.</param>
/// <param name="NegativeLogDensityPerDimension">Mean over tasks of -log q(z0) / d under the AFIN posterior (lower is better).</param>
/// <param name="LaplaceNegativeLogDensityPerDimension">The same under the Laplace approximation of each task.</param>
/// <param name="Coverage90">
/// The fraction of coordinates of z0 within 1.645 posterior sds of the AFIN posterior mean: 0.9 for a calibrated Gaussian
/// posterior; below, the network is overconfident, above, underconfident.
/// </param>
public sealed record HeldOutScores(int Tasks, double NegativeLogDensityPerDimension, double LaplaceNegativeLogDensityPerDimension, double Coverage90)
{
    /// <summary>How much lower the AFIN score is than Laplace's: the average KL / d that AFIN gains over the Laplace approximation.</summary>
    public double GainOverLaplace => LaplaceNegativeLogDensityPerDimension - NegativeLogDensityPerDimension;

    /// <summary>Scores <paramref name="model"/> on <paramref name="tasks"/> (at least one).</summary>
    public static HeldOutScores Measure(AfinModel model, IReadOnlyList<SimulatedTask> tasks)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tasks);
        if (tasks.Count == 0)
        {
            throw new ArgumentException("at least one held-out task is needed", nameof(tasks));
        }
        var posteriors = model.Infer(tasks.Select(t => t.Problem).ToArray());
        double afin = 0, laplace = 0, covered = 0, coordinates = 0;
        for (int k = 0; k < tasks.Count; k++)
        {
            var z0 = tasks[k].TrueLatent;
            var point = new double[1, z0.Length];
            for (int i = 0; i < z0.Length; i++)
            {
                point[0, i] = z0[i];
            }
            afin -= posteriors[k].LogDensity(point)[0] / z0.Length;
            laplace -= LaplaceAsPosterior(tasks[k]).LogDensity(point)[0] / z0.Length;
            var mean = posteriors[k].Mean;
            var covariance = posteriors[k].Covariance;
            for (int i = 0; i < z0.Length; i++)
            {
                covered += Math.Abs(z0[i] - mean[i]) <= 1.645 * Math.Sqrt(covariance[i, i]) ? 1 : 0;
                coordinates++;
            }
        }
        return new HeldOutScores(tasks.Count, afin / tasks.Count, laplace / tasks.Count, covered / coordinates);
    }

    private static GaussianAfinPosterior LaplaceAsPosterior(SimulatedTask task)
    {
        var laplace = LaplaceApproximation.Compute(task.Problem);
        int d = laplace.Dimension;
        var factor = new double[d, d];
        var flat = laplace.PrecisionFactor;
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                factor[i, j] = flat[i * d + j];
            }
        }
        return new GaussianAfinPosterior(laplace.Mode, factor);
    }
}
