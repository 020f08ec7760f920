using Afin.Inference;
using Afin.Modelling;
using Afin.Persistence;
using Afin.Prediction;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;

namespace Afin.Tests.Prediction;

[TestClass]
public sealed class PosteriorPredictiveTests
{
    private static readonly double[] Mean = [0.4, -0.7];
    private static readonly double[,] Covariance = { { 0.09, 0.03 }, { 0.03, 0.16 } };
    private static readonly double[,] Rows = { { 1.0, 0.5 }, { 1.0, -2.0 }, { 0.3, 1.5 } };

    [TestMethod]
    public void GaussHermiteNodesIntegrateMomentsAndTheExponentialExactly()
    {
        var (nodes, weights) = GaussHermite.Standard;
        double Expect(Func<double, double> f) => nodes.Zip(weights, (u, w) => w * f(u)).Sum();
        Assert.AreEqual(1.0, Expect(_ => 1), 1e-13);
        Assert.AreEqual(0.0, Expect(u => u), 1e-13);
        Assert.AreEqual(1.0, Expect(u => u * u), 1e-12);
        Assert.AreEqual(3.0, Expect(u => Math.Pow(u, 4)), 1e-11);
        Assert.AreEqual(Math.Exp(0.5), Expect(Math.Exp), 1e-12);
    }

    [TestMethod]
    public void GaussianRowsOfAGaussianPosteriorGetTheClosedForm()
    {
        var likelihood = PredictiveLikelihood.Create("linear_gaussian", sigma: 0.5);
        var set = PosteriorPredictive.Predict(Mean, Covariance, likelihood, new PredictionRows { X = Rows }, new PredictionOptions { Level = 0.8 });
        for (int r = 0; r < Rows.GetLength(0); r++)
        {
            var (mu, variance) = Moments(r);
            double sd = Math.Sqrt(variance + 0.25);
            var p = set.Predictions[r];
            Assert.AreEqual(mu, p.Mean, 1e-12);
            Assert.AreEqual(Normal.InvCDF(mu, sd, 0.1), p.Lower, 1e-9);
            Assert.AreEqual(Normal.InvCDF(mu, sd, 0.9), p.Upper, 1e-9);
            Assert.IsNull(p.Probability);
        }
    }

    [TestMethod]
    public void LogisticProbabilityAndPoissonMeanMatchIndependentIntegrals()
    {
        var bernoulli = PosteriorPredictive.Predict(Mean, Covariance, PredictiveLikelihood.Create("bernoulli_logit"), new PredictionRows { X = Rows, Offset = [0.2] });
        var poisson = PosteriorPredictive.Predict(Mean, Covariance, PredictiveLikelihood.Create("poisson_log"), new PredictionRows { X = Rows, Offset = [0.2] });
        for (int r = 0; r < Rows.GetLength(0); r++)
        {
            var (mu, variance) = Moments(r);
            mu += 0.2;
            double sd = Math.Sqrt(variance);
            // A fine midpoint rule over ±10 sd: independent of the quadrature under test.
            double probability = 0;
            const int steps = 200_000;
            double h = 20 * sd / steps;
            for (int k = 0; k < steps; k++)
            {
                double eta = mu - 10 * sd + (k + 0.5) * h;
                probability += h * Normal.PDF(mu, sd, eta) / (1 + Math.Exp(-eta));
            }
            Assert.AreEqual(probability, bernoulli.Predictions[r].Probability!.Value, 1e-9, $"row {r}");
            Assert.AreEqual(probability, bernoulli.Predictions[r].Mean, 1e-9);
            Assert.AreEqual(Math.Exp(mu + variance / 2), poisson.Predictions[r].Mean, 1e-9 * Math.Exp(mu + variance / 2), $"row {r}: E exp(eta) = exp(mu + s^2/2)");
        }
    }

    [TestMethod]
    [DataRow("linear_gaussian")]
    [DataRow("linear_student_t")]
    [DataRow("bernoulli_logit")]
    [DataRow("binomial_logit")]
    [DataRow("poisson_log")]
    public void GaussianPathAgreesWithManyDrawsOfTheSamePosterior(string family)
    {
        var likelihood = PredictiveLikelihood.Create(family, sigma: 0.6, degreesOfFreedom: 3);
        var rows = RowsFor(family);
        var quadrature = PosteriorPredictive.Predict(Mean, Covariance, likelihood, rows);
        var draws = PosteriorPredictive.PredictFromDraws(GaussianDraws(200_000, seed: 5), likelihood, rows);
        for (int r = 0; r < rows.Count; r++)
        {
            var (q, d) = (quadrature.Predictions[r], draws.Predictions[r]);
            double scale = Math.Max(1, Math.Abs(q.Mean));
            Assert.AreEqual(q.Mean, d.Mean, 0.01 * scale, $"{family} row {r}: mean");
            double tolerance = likelihood.IsDiscrete ? 1 : 0.02 * Math.Max(1, q.Upper - q.Lower);
            Assert.AreEqual(q.Lower, d.Lower, tolerance, $"{family} row {r}: lower");
            Assert.AreEqual(q.Upper, d.Upper, tolerance, $"{family} row {r}: upper");
        }
    }

    [TestMethod]
    [DataRow("linear_gaussian")]
    [DataRow("linear_student_t")]
    [DataRow("poisson_log")]
    [DataRow("binomial_logit")]
    public void IntervalsCoverNewObservationsAtTheirLevel(string family)
    {
        var likelihood = PredictiveLikelihood.Create(family, sigma: 0.6, degreesOfFreedom: 4);
        var rows = RowsFor(family);
        var set = PosteriorPredictive.Predict(Mean, Covariance, likelihood, rows);
        var z = GaussianDraws(40_000, seed: 9);
        var random = new Random(10);
        int inside = 0, total = 0;
        for (int s = 0; s < z.GetLength(0); s++)
        {
            for (int r = 0; r < rows.Count; r++)
            {
                double eta = Rows[r, 0] * z[s, 0] + Rows[r, 1] * z[s, 1] + (rows.Offset?[0] ?? 0);
                double y = family switch
                {
                    "linear_gaussian" => eta + 0.6 * Normal.Sample(random, 0, 1),
                    "linear_student_t" => StudentT.Sample(random, eta, 0.6, 4),
                    "poisson_log" => Poisson.Sample(random, Math.Exp(eta)),
                    _ => Binomial.Sample(random, 1 / (1 + Math.Exp(-eta)), 12),
                };
                inside += y >= set.Predictions[r].Lower && y <= set.Predictions[r].Upper ? 1 : 0;
                total++;
            }
        }
        double coverage = (double)inside / total;
        if (likelihood.IsDiscrete)
        {
            // Whole-number ends make a discrete interval hold at least its level.
            Assert.IsTrue(coverage >= 0.895 && coverage <= 0.99, $"{family}: coverage {coverage:F4}");
        }
        else
        {
            Assert.AreEqual(0.9, coverage, 0.006, $"{family}: coverage");
        }
    }

    [TestMethod]
    public void ExactAndLaplaceOutcomesAreUsedAsGaussians()
    {
        var x = new double[,] { { 1, 0.2 }, { 1, -0.4 }, { 1, 1.1 }, { 1, 0.7 } };
        var problem = BayesianProblem.Create(new GaussianPrior(0, 1), [new LinearGaussianBlock(x, [0.3, -0.2, 0.9, 0.4], 0.5)]);
        var exact = AfinInference.RunLaplace(problem);   // Laplace of a conjugate problem: the exact Gaussian
        var likelihood = PredictiveLikelihood.Of(problem);
        Assert.AreEqual(0.5, likelihood.Sigma);
        var rows = new PredictionRows { X = Rows };
        var fromOutcome = PosteriorPredictive.Predict(exact, likelihood, rows);
        var fromMoments = PosteriorPredictive.Predict(exact.Mean, exact.Covariance, likelihood, rows);
        CollectionAssert.AreEqual(fromMoments.Predictions.ToArray(), fromOutcome.Predictions.ToArray());

        var auto = AfinInference.RunWithoutModel(problem, InferenceMode.Auto)!;
        Assert.AreEqual(InferenceMethod.Exact, auto.Method);
        var fromExact = PosteriorPredictive.Predict(auto, likelihood, rows);
        for (int r = 0; r < rows.Count; r++)
        {
            // Laplace of a conjugate problem is its exact posterior, up to rounding.
            Assert.AreEqual(fromMoments.Predictions[r].Lower, fromExact.Predictions[r].Lower, 1e-9);
            Assert.AreEqual(fromMoments.Predictions[r].Upper, fromExact.Predictions[r].Upper, 1e-9);
        }
    }

    [TestMethod]
    public void ImportanceSampledOutcomesPredictFromSeededDraws()
    {
        var x = new double[,] { { 1, 0.2 }, { 1, -0.4 }, { 1, 1.1 }, { 1, 0.7 }, { 1, -1.3 }, { 1, 0.1 } };
        var problem = BayesianProblem.Create(new GaussianPrior(0, 1), [new BernoulliLogitBlock(x, [1, 0, 1, 1, 0, 0])]);
        var corrected = AfinInference.Run(AfinModel.LoadDefault(), problem, InferenceMode.Corrected);
        Assert.AreEqual(InferenceMethod.ImportanceSampling, corrected.Method);
        var likelihood = PredictiveLikelihood.Of(problem);
        var rows = new PredictionRows { X = Rows };
        var once = PosteriorPredictive.Predict(corrected, likelihood, rows, new PredictionOptions { Seed = 4 });
        var again = PosteriorPredictive.Predict(corrected, likelihood, rows, new PredictionOptions { Seed = 4 });
        var other = PosteriorPredictive.Predict(corrected, likelihood, rows, new PredictionOptions { Seed = 5 });
        CollectionAssert.AreEqual(once.Predictions.ToArray(), again.Predictions.ToArray(), "the same seed gives the same predictions");
        CollectionAssert.AreNotEqual(once.Predictions.ToArray(), other.Predictions.ToArray(), "they come from draws");
        Assert.AreEqual(once.Predictions[0].Probability!.Value, other.Predictions[0].Probability!.Value, 0.01);
    }

    [TestMethod]
    public void HeldOutRowsAreScored()
    {
        // A point-mass posterior at z = (1, 0): P(y = 1) = sigmoid(x0) exactly.
        var rows = new PredictionRows { X = new double[,] { { 2, 5 }, { -1, 3 }, { 0.5, 0 } }, Y = [1, 1, 0] };
        var set = PosteriorPredictive.Predict([1, 0], new double[2, 2], PredictiveLikelihood.Create("bernoulli_logit"), rows);
        double[] p = [1 / (1 + Math.Exp(-2)), 1 / (1 + Math.Exp(1)), 1 / (1 + Math.Exp(-0.5))];
        double nll = -(Math.Log(p[0]) + Math.Log(p[1]) + Math.Log(1 - p[2])) / 3;
        Assert.AreEqual(nll, set.Scores!.NegativeLogLikelihood, 1e-12);
        Assert.AreEqual(1.0 / 3, set.Scores.Accuracy!.Value, 1e-12, "only the first row's label is the more probable one");
        Assert.AreEqual(3, set.Scores.Rows);
    }

    [TestMethod]
    public void InvalidRowsAreNamedByFieldAndRow()
    {
        var gaussian = PredictiveLikelihood.Create("linear_gaussian", sigma: 1);
        Assert.AreEqual("rows.x", Refusal(gaussian, new PredictionRows { X = new double[2, 3] }).Path);
        Assert.AreEqual("rows.x[1][0]", Refusal(gaussian, new PredictionRows { X = new double[,] { { 0, 1 }, { double.NaN, 1 } } }).Path);
        Assert.AreEqual("rows.sigma", Refusal(PredictiveLikelihood.Create("linear_gaussian"), new PredictionRows { X = Rows }).Path);
        Assert.AreEqual("rows.sigma[2]", Refusal(gaussian, new PredictionRows { X = Rows, Sigma = [1, 1, -1] }).Path);
        Assert.AreEqual("rows.total_count", Refusal(PredictiveLikelihood.Create("binomial_logit"), new PredictionRows { X = Rows }).Path);
        Assert.AreEqual("rows.offset", Refusal(gaussian, new PredictionRows { X = Rows, Offset = [1] }).Path);
        Assert.AreEqual("rows.y[1]", Refusal(PredictiveLikelihood.Create("bernoulli_logit"), new PredictionRows { X = Rows, Y = [0, 2, 1] }).Path);
        Assert.AreEqual("rows.y[0]", Refusal(PredictiveLikelihood.Create("binomial_logit"), new PredictionRows { X = Rows, TotalCount = [3], Y = [4, 1, 1] }).Path);
        var level = Assert.ThrowsExactly<ArgumentException>(() => PosteriorPredictive.Predict(Mean, Covariance, gaussian, new PredictionRows { X = Rows }, new PredictionOptions { Level = 1 }));
        StringAssert.StartsWith(level.Message, "Level:");
        var family = Assert.ThrowsExactly<ArgumentException>(() => PredictiveLikelihood.Create("probit"));
        StringAssert.Contains(family.Message, "bernoulli_logit");
    }

    [TestMethod]
    public void TheFamilyComesFromTheProblemsOnlyBlockOrIsNamed()
    {
        var x = new double[,] { { 1, 0 }, { 0, 1 } };
        var mixed = BayesianProblem.Create(new GaussianPrior(0, 1), [new LinearGaussianBlock(x, [0, 1], [0.5, 0.7]), new BernoulliLogitBlock(x, [0, 1])]);
        var e = Assert.ThrowsExactly<ArgumentException>(() => PredictiveLikelihood.Of(mixed));
        StringAssert.Contains(e.Message, "name the family");
        var gaussian = PredictiveLikelihood.Of(mixed, "linear_gaussian");
        Assert.IsNull(gaussian.Sigma, "two noise scales: rows must give theirs");
        Assert.AreEqual("bernoulli_logit", PredictiveLikelihood.Of(mixed, "bernoulli_logit").Family);
    }

    private static ProblemValidationException Refusal(PredictiveLikelihood likelihood, PredictionRows rows) =>
        Assert.ThrowsExactly<ProblemValidationException>(() => PosteriorPredictive.Predict(Mean, Covariance, likelihood, rows));

    private static PredictionRows RowsFor(string family) => family switch
    {
        "binomial_logit" => new PredictionRows { X = Rows, TotalCount = [12], Offset = [0.1] },
        "poisson_log" or "bernoulli_logit" => new PredictionRows { X = Rows, Offset = [0.3] },
        _ => new PredictionRows { X = Rows },
    };

    private static (double Mean, double Variance) Moments(int row)
    {
        double mu = Rows[row, 0] * Mean[0] + Rows[row, 1] * Mean[1];
        double variance = 0;
        for (int i = 0; i < 2; i++)
        {
            for (int j = 0; j < 2; j++)
            {
                variance += Rows[row, i] * Covariance[i, j] * Rows[row, j];
            }
        }
        return (mu, variance);
    }

    private static double[,] GaussianDraws(int count, int seed)
    {
        var chol = Matrix<double>.Build.DenseOfArray(Covariance).Cholesky().Factor;
        var random = new Random(seed);
        var draws = new double[count, 2];
        for (int s = 0; s < count; s++)
        {
            double u0 = Normal.Sample(random, 0, 1), u1 = Normal.Sample(random, 0, 1);
            draws[s, 0] = Mean[0] + chol[0, 0] * u0;
            draws[s, 1] = Mean[1] + chol[1, 0] * u0 + chol[1, 1] * u1;
        }
        return draws;
    }
}
