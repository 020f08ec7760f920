using Afin.Simulation;
using Afin.Simulation.Estimators;
using Afin.Simulation.Simulators;
using Afin.Simulation.Training;

namespace Afin.Tests.Simulation;

/// <summary>
/// The conjugate check shared by the estimator tests: mu ~ N(0, 1), ten draws y ~ N(mu, 1), so the posterior is
/// N(sum y / 11, 1 / 11) exactly. Training is small (4,000 simulations, a few epochs) to keep tests quick.
/// </summary>
internal static class ConjugateToy
{
    internal static readonly NormalPrior Prior = new(0.0, 1.0);

    internal static readonly GaussianMeanSimulator Simulator = new(observations: 10);

    internal static readonly SummaryNetworkOptions Summary = new() { Width = 32, OutputDimension = 8 };

    internal static SimulationTrainingOptions Training(int seed = 3, int epochs = 12) => new()
    {
        TrainingSimulations = 4000,
        ValidationSimulations = 500,
        Epochs = epochs,
        BatchSize = 64,
        LearningRate = 2e-3,
        Patience = 4,
        Seed = seed,
    };

    /// <summary>Held-out data sets, seeded apart from any training seed.</summary>
    internal static SimulationSet TestSets(int count = 20) => SimulationSet.Simulate(Prior, Simulator, count, seed: 987_654);

    /// <summary>The exact posterior of test set <paramref name="index"/>.</summary>
    internal static (double Mean, double Sd) Exact(SimulationSet set, int index) => Simulator.Posterior(set.DataOf(index), 0.0, 1.0);

    /// <summary>
    /// Mean absolute errors, in posterior standard deviations, of the median and of the 5% and 95% quantiles over the
    /// test sets (an exact answer gives 0; a posterior ignoring the data gives about 3).
    /// </summary>
    internal static (double Median, double Lower, double Upper) Errors(SimulationEstimator estimator, SimulationSet tests)
    {
        var data = Enumerable.Range(0, tests.Count).Select(i => tests.DataOf(i).ToArray()).ToArray();
        var summaries = estimator.Summarise(data, seed: 5);
        double median = 0, lower = 0, upper = 0;
        for (int i = 0; i < tests.Count; i++)
        {
            var (mean, sd) = Exact(tests, i);
            median += Math.Abs(summaries[i].Median[0] - mean) / sd;
            lower += Math.Abs(summaries[i].Lower[0] - (mean - 1.6448536 * sd)) / sd;
            upper += Math.Abs(summaries[i].Upper[0] - (mean + 1.6448536 * sd)) / sd;
        }
        return (median / tests.Count, lower / tests.Count, upper / tests.Count);
    }
}
