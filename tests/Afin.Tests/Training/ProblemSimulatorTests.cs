using Afin.Modelling;
using Afin.Training;

namespace Afin.Tests.Training;

[TestClass]
public sealed class ProblemSimulatorTests
{
    private const int Draws = 20000;

    [TestMethod]
    public void PriorDrawsHaveThePriorsMomentsAndSpread()
    {
        var rng = new Random(1);
        var gaussian = Resolve(new GaussianPrior([1.0, -2.0], [0.5, 3.0]));
        AssertMoments(Sample(gaussian, rng), [1.0, -2.0], [0.5, 3.0]);
        var laplace = Resolve(new LaplacePrior([0.5], [2.0]));
        // A Laplace(0, b) has mean absolute deviation b and sd b √2.
        var l = Sample(laplace, rng);
        Assert.AreEqual(2.0, l.Average(z => Math.Abs(z[0] - 0.5)), 0.05);
        var t = Sample(Resolve(new StudentTPrior([0.0], [2.0], [5.0])), rng);
        // The sd of a scaled t with 5 df is scale √(5/3).
        AssertMoments(t, [0.0], [2.0 * Math.Sqrt(5.0 / 3)], sdTolerance: 0.1);
        // Precision [[2, 1], [1, 2]] has covariance [[2, -1], [-1, 2]] / 3.
        var full = Sample(Resolve(new FullRankGaussianPrior([0.0, 1.0], new double[,] { { 2, 1 }, { 1, 2 } })), rng);
        AssertMoments(full, [0.0, 1.0], [Math.Sqrt(2.0 / 3), Math.Sqrt(2.0 / 3)]);
        double covariance = full.Average(z => z[0] * (z[1] - 1));
        Assert.AreEqual(-1.0 / 3, covariance, 0.02);
    }

    [TestMethod]
    public void SimulatedObservationsFollowEachFamilyAtTheTrueLatent()
    {
        var z = new[] { 0.4, -0.3 };
        double[,] x = { { 1, 0.5 }, { 1, -2 } };
        var rng = new Random(2);
        double[] eta = [0.4 - 0.15, 0.4 + 0.6];
        var bernoulli = Repeat(new BernoulliLogitBlock(x, [0, 1], [0.3, -0.2]), z, rng).Cast<BernoulliLogitBlock>().ToArray();
        Assert.AreEqual(Logistic.Sigmoid(eta[1] - 0.2), bernoulli.Average(b => b.Y[1]), 0.01);
        CollectionAssert.AreEqual(new[] { 0.3, -0.2 }, bernoulli[0].Offset);
        var binomial = Repeat(new BinomialLogitBlock(x, [0, 1], [3.0, 7.0], [0.0, 0.5]), z, rng).Cast<BinomialLogitBlock>().ToArray();
        Assert.AreEqual(7 * Logistic.Sigmoid(eta[1] + 0.5), binomial.Average(b => b.Y[1]), 0.05);
        Assert.IsTrue(binomial.All(b => b.Y[0] <= 3 && b.Y[0] == Math.Floor(b.Y[0])));
        var poisson = Repeat(new PoissonLogBlock(x, [0, 1], [Math.Log(10), 0]), z, rng).Cast<PoissonLogBlock>().ToArray();
        Assert.AreEqual(10 * Math.Exp(eta[0]), poisson.Average(b => b.Y[0]), 0.15);
        var linear = Repeat(new LinearGaussianBlock(x, [0, 1], [0.5, 2.0]), z, rng).Cast<LinearGaussianBlock>().ToArray();
        AssertMoments(linear.Select(b => b.Y).ToArray(), eta, [0.5, 2.0]);
        var studentT = Repeat(new LinearStudentTBlock(x, [0, 1], [1.0], [4.0]), z, rng).Cast<LinearStudentTBlock>().ToArray();
        AssertMoments(studentT.Select(b => b.Y).ToArray(), eta, [Math.Sqrt(2.0), Math.Sqrt(2.0)], sdTolerance: 0.1);
        var direct = Repeat(new DirectGaussianBlock(new double[,] { { 9, 9 } }, [0.25]), z, rng).Cast<DirectGaussianBlock>().ToArray();
        AssertMoments(direct.Select(b => new[] { b.Y[0, 0], b.Y[0, 1] }).ToArray(), z, [0.25, 0.25]);
    }

    [TestMethod]
    public void ChosenSitesKeepTheirDesignRowsAndArguments()
    {
        var block = Resolve(new BinomialLogitBlock(new double[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } }, [0, 1, 2], [4.0, 5.0, 6.0], [0.1, 0.2, 0.3]));
        var simulated = (BinomialLogitBlock)ProblemSimulator.Simulate(block, [2, 2, 0], [0.1, 0.1], new Random(3));
        CollectionAssert.AreEqual(new double[,] { { 5, 6 }, { 5, 6 }, { 1, 2 } }, simulated.X);
        CollectionAssert.AreEqual(new[] { 6.0, 6.0, 4.0 }, simulated.TotalCount);
        CollectionAssert.AreEqual(new[] { 0.3, 0.3, 0.1 }, simulated.Offset);
    }

    [TestMethod]
    public void LargeMeansGiveFiniteCounts()
    {
        var rng = new Random(4);
        Assert.AreEqual(1e8, ProblemSimulator.PoissonCount(rng, 1e8), 1e5);
        Assert.IsTrue(double.IsFinite(ProblemSimulator.PoissonCount(rng, double.PositiveInfinity)));
    }

    [TestMethod]
    public void MeansThatUnderflowToZeroGiveZeroCounts()
    {
        // exp(-800) is 0 in double; MathNet's Poisson sampler refuses a zero rate, which once stopped a training run.
        var rng = new Random(5);
        Assert.AreEqual(0.0, ProblemSimulator.PoissonCount(rng, Math.Exp(-800)));
        Assert.AreEqual(0.0, ProblemSimulator.PoissonCount(rng, 0));
        Assert.AreEqual(0.0, ProblemSimulator.PoissonCount(rng, 1e-300), "a tiny positive rate still samples, almost surely 0");
    }

    private static Prior Resolve(Prior prior) => BayesianProblem.Create(prior, null, prior.Loc.Length).Prior;

    private static ObservationBlock Resolve(ObservationBlock block) => BayesianProblem.Create(new GaussianPrior(0, 1), [block], 2).Blocks[0];

    private static double[][] Sample(Prior prior, Random rng) => Enumerable.Range(0, Draws).Select(_ => ProblemSimulator.DrawPrior(prior, rng)).ToArray();

    private static ObservationBlock[] Repeat(ObservationBlock block, double[] z, Random rng)
    {
        var resolved = Resolve(block);
        var rows = Enumerable.Range(0, resolved.Count).ToArray();
        return Enumerable.Range(0, Draws).Select(_ => ProblemSimulator.Simulate(resolved, rows, z, rng)).ToArray();
    }

    private static void AssertMoments(double[][] draws, double[] mean, double[] sd, double sdTolerance = 0.03)
    {
        for (int i = 0; i < mean.Length; i++)
        {
            double m = draws.Average(z => z[i]);
            double s = Math.Sqrt(draws.Average(z => (z[i] - m) * (z[i] - m)));
            Assert.AreEqual(mean[i], m, 4 * sd[i] / Math.Sqrt(draws.Length) + 1e-3, $"mean {i}");
            Assert.AreEqual(sd[i], s, sdTolerance * sd[i], $"sd {i}");
        }
    }
}
