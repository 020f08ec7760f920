using Afin.Canonical;
using Afin.Modelling;
using Afin.Training;

namespace Afin.Tests.Training;

[TestClass]
public sealed class TrainingRangeTests
{
    private static readonly TrainingRange Default = new(new TaskDistribution());

    [TestMethod]
    public void SimulatedTrainingTasksAreNeverFlagged()
    {
        // The limits must sit outside everything the simulator makes, or every model would distrust its own training data.
        var sampler = new TaskSampler(new TaskDistribution(), 2024);
        for (int t = 0; t < 2000; t++)
        {
            var (d, n) = sampler.SampleShape();
            var problem = sampler.SampleTask(d, n).Problem;
            var reasons = Default.Check(problem);
            Assert.IsEmpty(reasons, $"task {t} (d = {d}, N = {n}): {string.Join("; ", reasons)}");
        }
    }

    [TestMethod]
    public void SimulatedTasksWithPoissonSitesAreNeverFlagged()
    {
        var tasks = new TaskDistribution { LikelihoodFamilies = TaskDistribution.AllLikelihoodFamilies };
        var sampler = new TaskSampler(tasks, 2025);
        var range = new TrainingRange(tasks);
        int poisson = 0;
        for (int t = 0; t < 2000; t++)
        {
            var (d, n) = sampler.SampleShape();
            var problem = sampler.SampleTask(d, n).Problem;
            poisson += problem.Blocks.Count(b => b is PoissonLogBlock);
            var reasons = range.Check(problem);
            Assert.IsEmpty(reasons, $"task {t} (d = {d}, N = {n}): {string.Join("; ", reasons)}");
        }
        Assert.IsGreaterThan(300, poisson);
    }

    [TestMethod]
    public void AnOrdinaryProblemIsCovered()
    {
        var problem = Gaussian(loc: 0.3, scale: 0.8, [Linear(rows: 10, d: 3, entry: 0.5, y: 1, sigma: 0.5)]);
        Assert.IsTrue(Default.Covers(problem));
        Assert.IsEmpty(Default.Check(problem));
    }

    [TestMethod]
    [DataRow("dimension", "d = 9 is outside the training range 1..8")]
    [DataRow("sites", "N = 65 likelihood sites is outside the training range 1..64")]
    [DataRow("prior family", "prior family 'laplace' was not trained on (trained: gaussian)")]
    [DataRow("likelihood family", "likelihood family 'bernoulli_logit' was not trained on (trained: linear_gaussian)")]
    [DataRow("prior location", "prior.loc reaches |loc| = 8")]
    [DataRow("small prior scale", "prior.scale goes down to 0.01, below 0.09")]
    [DataRow("large prior scale", "prior.scale goes up to 10, above 5.7")]
    [DataRow("full-rank prior scale", "prior.precision (marginal sd) goes up to 10")]
    [DataRow("prior df", "prior.df goes down to 1, below 1.5")]
    [DataRow("design rows", "observations[0] (linear_gaussian): the root-mean-square norm of the design rows x is 10.392")]
    [DataRow("one design row", "observations[0] (linear_gaussian): the largest design row norm is 15, above 10")]
    [DataRow("observations", "observations[0] (linear_gaussian): the root-mean-square of y is 50, above 10")]
    [DataRow("direct observations", "observations[0] (direct_gaussian): the root-mean-square of y is 50, above 10")]
    [DataRow("noise", "observations[0] (linear_gaussian).sigma goes down to 0.01, below 0.11")]
    [DataRow("likelihood df", "observations[0] (linear_student_t).df goes up to 100, above 32")]
    [DataRow("total count", "observations[0] (binomial_logit).total_count goes up to 100, above 32")]
    [DataRow("poisson count", "observations[0] (poisson_log).y goes up to 5000, above 4000")]
    [DataRow("poisson family", "likelihood family 'poisson_log' was not trained on (trained: linear_gaussian, direct_gaussian, linear_student_t, bernoulli_logit, binomial_logit)")]
    public void EachKindOfReasonIsListed(string kind, string expected)
    {
        var (tasks, problem) = OutOfRange(kind);
        var reasons = new TrainingRange(tasks).Check(problem);
        Assert.HasCount(1, reasons, string.Join("; ", reasons));
        StringAssert.StartsWith(reasons[0], expected);
        Assert.IsFalse(new TrainingRange(tasks).Covers(problem));
    }

    [TestMethod]
    [DataRow("large prior scale", false)]
    [DataRow("full-rank prior scale", false)]
    [DataRow("design rows", false)]
    [DataRow("one design row", false)]
    [DataRow("observations", false)]
    [DataRow("direct observations", false)]
    [DataRow("noise", false)]
    [DataRow("prior df", true)]
    [DataRow("likelihood df", true)]
    [DataRow("total count", true)]
    [DataRow("poisson count", true)]
    [DataRow("poisson family", true)]
    [DataRow("dimension", true)]
    [DataRow("likelihood family", true)]
    public void InLaplaceCoordinatesOnlyShapesAndStructureCanLieOutside(string kind, bool stillOutside)
    {
        // The canonical map removes locations and scales: a model in Laplace coordinates sees every problem centred and scaled.
        var (tasks, problem) = OutOfRange(kind);
        Assert.AreEqual(stillOutside, !new TrainingRange(tasks, LatentCoordinates.Full).Covers(problem), kind);
    }

    [TestMethod]
    public void StructuralVerdictAgreesWithTaskDistributionCovers()
    {
        var tasks = new TaskDistribution();
        foreach (var kind in new[] { "dimension", "sites", "prior family", "likelihood family" })
        {
            var (narrowed, problem) = OutOfRange(kind);
            Assert.IsFalse(narrowed.Covers(problem.Dimension, problem.ObservationCount, problem.Prior.Family, problem.Blocks.Select(b => b.Family)), kind);
        }
        var inside = Gaussian(0, 1, [Linear(rows: 64, d: 8, entry: 0.3, y: 1, sigma: 0.5)]);
        Assert.IsTrue(tasks.Covers(8, 64, "gaussian", ["linear_gaussian"]));
        Assert.IsEmpty(new TrainingRange(tasks).Check(inside));
    }

    /// <summary>A problem with exactly one thing outside the range of the default distribution (or of a narrowed one).</summary>
    private static (TaskDistribution Tasks, BayesianProblem Problem) OutOfRange(string kind)
    {
        var tasks = new TaskDistribution();
        var ordinary = Linear(rows: 10, d: 3, entry: 0.5, y: 1, sigma: 0.5);
        return kind switch
        {
            "dimension" => (tasks, Gaussian(0, 1, [Linear(rows: 10, d: 9, entry: 0.3, y: 1, sigma: 0.5)])),
            "sites" => (tasks, Gaussian(0, 1, [Linear(rows: 65, d: 3, entry: 0.5, y: 1, sigma: 0.5)])),
            "prior family" => (tasks with { PriorFamilies = ["gaussian"] }, BayesianProblem.Create(new LaplacePrior(0, 0.5), [ordinary])),
            "likelihood family" => (tasks with { LikelihoodFamilies = ["linear_gaussian"] },
                Gaussian(0, 1, [ordinary, new BernoulliLogitBlock(Fill(4, 3, 0.5), [1, 0, 1, 1])])),
            "prior location" => (tasks, Gaussian(-8, 1, [ordinary])),
            "small prior scale" => (tasks, Gaussian(0, 0.01, [ordinary])),
            "large prior scale" => (tasks, Gaussian(0, 10, [ordinary])),
            "full-rank prior scale" => (tasks, BayesianProblem.Create(new FullRankGaussianPrior([0.0, 0, 0], Diagonal(3, 0.01)), [ordinary])),
            "prior df" => (tasks, BayesianProblem.Create(new StudentTPrior(0, 0.8, 1), [ordinary])),
            "design rows" => (tasks, Gaussian(0, 1, [Linear(rows: 10, d: 3, entry: 6, y: 1, sigma: 0.5)])),
            "one design row" => (tasks, Gaussian(0, 1, [OneLongRow()])),
            "observations" => (tasks, Gaussian(0, 1, [Linear(rows: 10, d: 3, entry: 0.5, y: 50, sigma: 0.5)])),
            "direct observations" => (tasks, Gaussian(0, 1, [new DirectGaussianBlock(Fill(2, 3, 50), 0.5)])),
            "noise" => (tasks, Gaussian(0, 1, [Linear(rows: 10, d: 3, entry: 0.5, y: 1, sigma: 0.01)])),
            "likelihood df" => (tasks, Gaussian(0, 1, [new LinearStudentTBlock(Fill(10, 3, 0.5), Enumerable.Repeat(1.0, 10).ToArray(), 0.5, 100)])),
            "total count" => (tasks, Gaussian(0, 1, [new BinomialLogitBlock(Fill(10, 3, 0.5), Enumerable.Repeat(40.0, 10).ToArray(), 100)])),
            "poisson count" => (tasks with { LikelihoodFamilies = TaskDistribution.AllLikelihoodFamilies },
                Gaussian(0, 1, [new PoissonLogBlock(Fill(4, 3, 0.5), [3, 5000, 0, 12], [0.0, 0.7, -0.7, 0.0])])),
            // The default distribution is the reference recipe's, without Poisson sites.
            "poisson family" => (tasks, Gaussian(0, 1, [new PoissonLogBlock(Fill(4, 3, 0.5), [3, 5, 0, 12])])),
            _ => throw new ArgumentException(kind),
        };
    }

    private static BayesianProblem Gaussian(double loc, double scale, ObservationBlock[] blocks) =>
        BayesianProblem.Create(new GaussianPrior(loc, scale), blocks);

    private static LinearGaussianBlock Linear(int rows, int d, double entry, double y, double sigma) =>
        new(Fill(rows, d, entry), Enumerable.Range(0, rows).Select(n => n % 2 == 0 ? y : -y).ToArray(), sigma);

    /// <summary>Nineteen ordinary rows and one of norm 15: the root-mean-square norm (3.5) stays under its limit, the largest does not.</summary>
    private static LinearGaussianBlock OneLongRow()
    {
        var x = Fill(20, 3, 0.5);
        x[7, 0] = 15;
        x[7, 1] = 0;
        x[7, 2] = 0;
        return new LinearGaussianBlock(x, Enumerable.Repeat(0.5, 20).ToArray(), 0.5);
    }

    /// <summary>An N x d matrix of ±value, the sign alternating along each row.</summary>
    private static double[,] Fill(int rows, int columns, double value)
    {
        var x = new double[rows, columns];
        for (int n = 0; n < rows; n++)
        {
            for (int i = 0; i < columns; i++)
            {
                x[n, i] = (n + i) % 2 == 0 ? value : -value;
            }
        }
        return x;
    }

    private static double[,] Diagonal(int d, double value)
    {
        var m = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            m[i, i] = value;
        }
        return m;
    }
}
