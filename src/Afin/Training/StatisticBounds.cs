using System.Globalization;
using Afin.Laplace;

namespace Afin.Training;

/// <summary>
/// How far the <see cref="CanonicalStatistics"/> of a model's training tasks reach: their 99.5% quantiles (0.5% for the
/// label balance), measured on <see cref="SampledTasks"/> tasks drawn from the model's task distribution with a fixed
/// seed. A problem beyond them lies where the network has seen almost nothing, whatever its d and N. Measuring takes a
/// second or so, so a model file records its bounds (<see cref="Persistence.AfinModel.RangeBounds"/>).
/// </summary>
internal sealed record StatisticBounds(double SiteNorm, double PredictorMagnitude, double MinorityShare, double CurvatureMismatch)
{
    /// <summary>The training tasks the quantiles are measured on.</summary>
    internal const int SampledTasks = 600;

    /// <summary>The upper quantile (and 1 minus the lower one).</summary>
    internal const double Quantile = 0.995;

    private const int Seed = 20261207;

    /// <summary>One sentence per statistic of <paramref name="statistics"/> beyond its bound.</summary>
    internal IEnumerable<string> Exceeded(CanonicalStatistics statistics)
    {
        if (statistics.SiteNorm > SiteNorm)
        {
            yield return $"one site's predictor has posterior sd {Format(statistics.SiteNorm)}, beyond the {Format(SiteNorm)} of 99.5% of training tasks (one observation dominates a direction, as under quasi-separation)";
        }
        if (statistics.PredictorMagnitude > PredictorMagnitude)
        {
            yield return $"a site's log-odds or log-rate at the mode reaches {Format(statistics.PredictorMagnitude)}, beyond the {Format(PredictorMagnitude)} of 99.5% of training tasks (the likelihood saturates, as under separation or strong imbalance)";
        }
        if (statistics.MinorityShare < MinorityShare)
        {
            yield return $"the rarer label makes up {Format(statistics.MinorityShare)} of a block, below the {Format(MinorityShare)} of 99.5% of training tasks";
        }
        if (statistics.CurvatureMismatch > CurvatureMismatch)
        {
            yield return $"one sd from the mode the log posterior departs from the Laplace quadratic by {Format(statistics.CurvatureMismatch)}, beyond the {Format(CurvatureMismatch)} of 99.5% of training tasks";
        }
    }

    /// <summary>Measures the bounds of <paramref name="tasks"/> (about a second); <see cref="Persistence.AfinModel.RangeBounds"/> keeps them.</summary>
    internal static StatisticBounds Measure(TaskDistribution tasks)
    {
        var sampler = new TaskSampler(tasks, Seed);
        var statistics = new List<CanonicalStatistics>(SampledTasks);
        for (int i = 0; i < SampledTasks; i++)
        {
            var (d, n) = sampler.SampleShape();
            var problem = sampler.SampleTask(d, n).Problem;
            try
            {
                statistics.Add(CanonicalStatistics.Of(problem, LaplaceApproximation.Compute(problem)));
            }
            catch (InvalidOperationException)
            {
                // A task without a Laplace approximation has no statistics; the network never saw it in canonical form either.
            }
        }
        // The balance counts only tasks whose Bernoulli blocks are large enough to have one (NaN elsewhere).
        var balanced = statistics.Select(s => s.MinorityShare).Where(double.IsFinite).ToArray();
        return new StatisticBounds(
            Upper(statistics.Select(s => s.SiteNorm)),
            Upper(statistics.Select(s => s.PredictorMagnitude)),
            Lower(balanced),
            Upper(statistics.Select(s => s.CurvatureMismatch)));
    }

    private static double Upper(IEnumerable<double> values)
    {
        // Without a finite value no bound is claimed (the largest double: a bound JSON can hold).
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        return sorted.Length == 0 ? double.MaxValue : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(Quantile * sorted.Length) - 1)];
    }

    private static double Lower(IEnumerable<double> values)
    {
        // Without a training task large enough to have a balance, no bound is claimed (no share lies below 0).
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[(int)Math.Floor((1 - Quantile) * sorted.Length)];
    }

    private static string Format(double value) => value.ToString("G3", CultureInfo.InvariantCulture);
}
