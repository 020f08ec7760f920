using Afin.Inference;
using Afin.Laplace;
using Afin.Modelling;
using Afin.Persistence;
using Afin.References;
using Afin.Training;
using MathNet.Numerics.LinearAlgebra;

namespace Afin.Tests.Training;

[TestClass]
public sealed class CanonicalStatisticsTests
{
    [TestMethod]
    public void AGaussianPosteriorHasNoCurvatureMismatchAndSiteNormsAreTheirPredictorsPosteriorSd()
    {
        var problem = Afin.Tests.Inference.InferenceTestKit.EasyConjugate(3, d: 3, sites: 12);
        var statistics = CanonicalStatistics.Of(problem, LaplaceApproximation.Compute(problem));
        var exact = ExactPosterior.Compute(problem);
        var block = (LinearGaussianBlock)problem.Blocks[0];
        var covariance = Matrix<double>.Build.DenseOfArray(exact.Covariance);
        double expected = Enumerable.Range(0, block.Count).Max(n =>
        {
            var x = Vector<double>.Build.DenseOfArray(block.Row(n).ToArray());
            return Math.Sqrt(x * covariance * x);
        });

        Assert.AreEqual(expected, statistics.SiteNorm, 1e-9);
        Assert.AreEqual(0, statistics.CurvatureMismatch, 1e-8, "the log posterior is exactly the Laplace quadratic");
        Assert.AreEqual(0, statistics.PredictorMagnitude, "no logit or Poisson sites");
        Assert.IsTrue(double.IsNaN(statistics.MinorityShare), "no Bernoulli block");
    }

    [TestMethod]
    public void ImbalancedLabelsAndSaturatedLogOddsAreMeasured()
    {
        var rng = new Random(5);
        const int sites = 60;
        var x = new double[sites, 2];
        var y = new double[sites];
        for (int n = 0; n < sites; n++)
        {
            x[n, 0] = 1;
            x[n, 1] = TestProblems.Normal(rng);
            y[n] = n < 3 ? 1 : 0;
        }
        var problem = BayesianProblem.Create(new GaussianPrior(0, 5), [new BernoulliLogitBlock(x, y)], 2);
        var laplace = LaplaceApproximation.Compute(problem);
        var statistics = CanonicalStatistics.Of(problem, laplace);

        Assert.AreEqual(3.0 / 60, statistics.MinorityShare, 1e-12);
        double largest = Enumerable.Range(0, sites).Max(n => Math.Abs(laplace.Mode[0] + x[n, 1] * laplace.Mode[1]));
        Assert.AreEqual(largest, statistics.PredictorMagnitude, 1e-9);
        Assert.IsGreaterThan(2.0, statistics.PredictorMagnitude, "3 positives in 60: log-odds near log(3/57)");
    }

    [TestMethod]
    public void TrainingTasksLieInsideTheBoundsAndASeparatedProblemOutside()
    {
        var model = AfinModel.LoadDefault();
        var bounds = model.RangeBounds;
        Assert.AreSame(bounds, model.RangeBounds, "read or measured once per model");

        // Fresh training tasks (another seed than the bounds'): about 1 in 100 may exceed a 99.5% bound by chance.
        var sampler = new TaskSampler(model.Tasks, 99);
        int outside = 0;
        for (int i = 0; i < 200; i++)
        {
            var (d, n) = sampler.SampleShape();
            var problem = sampler.SampleTask(d, n).Problem;
            outside += bounds.Exceeded(CanonicalStatistics.Of(problem, LaplaceApproximation.Compute(problem))).Any() ? 1 : 0;
        }
        Assert.IsLessThanOrEqualTo(12, outside, $"{outside} of 200 training tasks flagged");

        var separated = Separated();
        var outcome = AfinInference.Run(model, separated, InferenceMode.Amortized);
        Assert.IsFalse(outcome.InTrainingRange);
        Assert.IsTrue(outcome.OutOfRangeReasons.Any(r => r.Contains("99.5% of training tasks")), string.Join("; ", outcome.OutOfRangeReasons));
        Assert.IsTrue(separated.Dimension <= model.Tasks.MaxDimension && separated.ObservationCount <= model.Tasks.MaxSites,
            "d and N alone would call it in range");
    }

    [TestMethod]
    public void ModelFilesRecordTheirBoundsSoThatLoadingMeasuresNothing()
    {
        foreach (var name in new[] { "afin-default.afin", "afin-faithful.afin", "afin-synthetic.afin" })
        {
            string path = RepositoryFiles.Model(name);
            var header = AfinFileFormat.Read(File.ReadAllBytes(path), AfinFileKind.Model, path).HeaderJson;
            StringAssert.Contains(header, "\"Bounds\"", $"{name} records its statistic bounds");
        }
        var model = AfinModel.LoadDefault();
        string saved = Path.Combine(Path.GetTempPath(), $"bounds-{Guid.NewGuid():N}.afin");
        try
        {
            model.Save(saved);
            var again = AfinModel.Load(saved);
            Assert.AreEqual(model.RangeBounds, again.RangeBounds);
        }
        finally
        {
            File.Delete(saved);
        }
    }

    /// <summary>A logistic regression with a wide prior whose feature nearly separates the labels.</summary>
    private static BayesianProblem Separated()
    {
        const int sites = 40;
        var x = new double[sites, 2];
        var y = new double[sites];
        for (int n = 0; n < sites; n++)
        {
            x[n, 0] = 1;
            x[n, 1] = (n - 19.5) / 10;
            y[n] = n >= 20 ? 1 : 0;
        }
        y[19] = 1;
        return BayesianProblem.Create(new GaussianPrior(0, 10), [new BernoulliLogitBlock(x, y)], 2);
    }
}
