using Afin.Metrics;
using Afin.Network;
using Afin.References;

namespace Afin.Training;

/// <summary>
/// Held-out conjugate problems drawn once from the training distribution's Gaussian families, with
/// their exact posteriors, so that validation measures true posterior error rather than loss.
/// </summary>
internal sealed class ValidationSuite
{
    private const int Seed = 987_654;
    private readonly SimulatedTask[] _tasks;
    private readonly ExactPosterior[] _exact;

    private ValidationSuite(SimulatedTask[] tasks)
    {
        _tasks = tasks;
        _exact = tasks.Select(t => ExactPosterior.Compute(t.Problem)).ToArray();
    }

    /// <summary>Builds the suite, or returns null when the distribution has no conjugate prior or likelihood family.</summary>
    internal static ValidationSuite? Create(TaskDistribution tasks, int count)
    {
        var priors = tasks.PriorFamilies.Intersect(["gaussian", "full_rank_gaussian"]).ToArray();
        var likelihoods = tasks.LikelihoodFamilies.Intersect(["linear_gaussian", "direct_gaussian"]).ToArray();
        if (priors.Length == 0 || likelihoods.Length == 0)
        {
            return null;
        }
        var conjugate = tasks with { PriorFamilies = priors, LikelihoodFamilies = likelihoods, HardCaseProbability = 0 };
        var sampler = new TaskSampler(conjugate, Seed);
        var drawn = Enumerable.Range(0, count).Select(_ =>
        {
            var (d, n) = sampler.SampleShape();
            return sampler.SampleTask(d, n);
        }).ToArray();
        return new ValidationSuite(drawn);
    }

    internal ValidationScores Score(AfinNetwork network, int step)
    {
        var posteriors = network.Infer(_tasks.Select(t => t.Problem).ToArray());
        var sme = new double[_tasks.Length];
        var kl = new double[_tasks.Length];
        for (int i = 0; i < _tasks.Length; i++)
        {
            sme[i] = StandardisedMeanError.Mean(posteriors[i].Mean, _exact[i].Mean, _exact[i].StdDev);
            kl[i] = GaussianKl.DivergencePerDimension(_exact[i].Mean, _exact[i].Covariance, posteriors[i].Mean, posteriors[i].Covariance);
        }
        return new ValidationScores(step, Median(sme), Median(kl), _tasks.Length);
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }
}
