using Afin.Simulation;
using Afin.Simulation.Estimators;
using Afin.Simulation.Simulators;

namespace Afin.Tests.Simulation;

[TestClass]
public sealed class NeuralRatioEstimatorTests
{
    private static NeuralRatioEstimator? _trained;

    private static NeuralRatioEstimator Trained => _trained ??= NeuralRatioEstimator.Train(ConjugateToy.Prior, ConjugateToy.Simulator,
        new NeuralRatioEstimatorOptions { Summary = ConjugateToy.Summary, HeadWidth = 32, GridPoints = 256, Samples = 400 }, ConjugateToy.Training());

    [TestMethod]
    public void GridPosteriorRecoversTheConjugatePosterior()
    {
        var (median, lower, upper) = ConjugateToy.Errors(Trained, ConjugateToy.TestSets());
        Assert.IsLessThan(0.35, median, $"median error {median:F3} sd");
        Assert.IsLessThan(0.45, lower, $"5% quantile error {lower:F3} sd");
        Assert.IsLessThan(0.45, upper, $"95% quantile error {upper:F3} sd");
    }

    [TestMethod]
    public void McmcOnPriorTimesRatioAgreesWithTheGrid()
    {
        var tests = ConjugateToy.TestSets(3);
        for (int i = 0; i < tests.Count; i++)
        {
            var data = tests.DataOf(i).ToArray();
            var grid = Trained.EvaluateGrid(data).Marginal(0);
            var draws = Trained.SampleMcmc(data, 2000, seed: i).Select(d => d[0]).ToArray();
            double sd = ConjugateToy.Exact(tests, i).Sd;
            Assert.AreEqual(grid.Mean, draws.Average(), 0.15 * sd, $"data set {i}: MCMC mean against the grid mean");
            double mcmcSd = Math.Sqrt(draws.Select(x => (x - draws.Average()) * (x - draws.Average())).Average());
            double gridSd = (grid.Quantile(0.8413) - grid.Quantile(0.1587)) / 2;
            Assert.AreEqual(gridSd, mcmcSd, 0.2 * gridSd, $"data set {i}: MCMC spread against the grid");
        }
    }

    [TestMethod]
    public void GridEvaluatorHandlesTwoParameters()
    {
        // Two independent means, each seen through five draws: the 2-d grid's marginals are the 1-d posteriors.
        var prior = new NormalPrior([0.0, 0.0], [1.0, 1.0]);
        var simulator = new TwoMeansSimulator();
        using var estimator = NeuralRatioEstimator.Train(prior, simulator,
            new NeuralRatioEstimatorOptions { Summary = ConjugateToy.Summary, HeadWidth = 32, GridPointsPerAxis = 48, Samples = 300 },
            ConjugateToy.Training(epochs: 10));
        var tests = SimulationSet.Simulate(prior, simulator, 10, seed: 42);
        double error = 0;
        for (int i = 0; i < tests.Count; i++)
        {
            var summary = estimator.Summarise(tests.DataOf(i).ToArray());
            for (int j = 0; j < 2; j++)
            {
                var column = Enumerable.Range(0, 5).Select(k => tests.DataOf(i)[2 * k + j]).ToArray();
                double exactMean = column.Sum() / 6.0;
                error += Math.Abs(summary.Median[j] - exactMean) / Math.Sqrt(1 / 6.0);
            }
            Assert.AreEqual(300, summary.Samples!.Length);
        }
        Assert.IsLessThan(0.5, error / 20, $"mean median error {error / 20:F3} sd");
    }

    /// <summary>(mu1, mu2) -> five pairs (y1, y2) with y_j ~ N(mu_j, 1).</summary>
    private sealed class TwoMeansSimulator : ISimulator
    {
        public int ParameterCount => 2;

        public DataShape Shape => DataShape.Vector(10);

        public float[][] Simulate(IReadOnlyList<double[]> parameters, Random random) =>
            parameters.Select(t => Enumerable.Range(0, 10).Select(k => (float)(t[k % 2] + StandardNormal.Draw(random))).ToArray()).ToArray();
    }
}
