using Afin.Canonical;
using Afin.Metrics;
using Afin.Network;
using Afin.Persistence;
using Afin.References;
using Afin.Training;

namespace Afin.Tests.Persistence;

/// <summary>The model shipped inside the library: it loads with no file, covers its stated range and is accurate there.</summary>
[TestClass]
public sealed class DefaultModelTests
{
    [TestMethod]
    public void LoadsFromTheLibraryWithItsTrainingRecord()
    {
        var model = AfinModel.LoadDefault();
        Assert.IsTrue(model.Training.Steps >= 10_000, $"steps {model.Training.Steps}");
        Assert.IsNotNull(model.Training.Validation);
        // The campaign's model (docs/models.md): every likelihood family, Poisson included, and the realistic task mix.
        Assert.AreEqual(3, model.Options.FeatureVersion);
        Assert.AreEqual(6, model.Tasks.LikelihoodFamilies.Count);
        Assert.AreEqual(4, model.Tasks.PriorFamilies.Count);
        Assert.IsNotNull(model.Tasks.UserTasks, "trained on the realistic preset's user-like tasks");
    }

    [TestMethod]
    public void BothShippedArchitecturesLoadAsTheyAreNamed()
    {
        var faithful = AfinModel.LoadDefault(AfinArchitecture.Faithful);
        var pooled = AfinModel.LoadDefault(AfinArchitecture.Pooled);
        Assert.AreEqual(AfinArchitecture.Faithful, faithful.Options.Architecture);
        Assert.AreEqual(AfinArchitecture.Pooled, pooled.Options.Architecture);
        // The default is the pooled network in Laplace coordinates; the faithful one is the first default, as it was.
        var standard = AfinModel.LoadDefault();
        Assert.AreEqual(AfinArchitecture.Pooled, standard.Options.Architecture);
        Assert.AreEqual(LatentCoordinates.Full, standard.Options.Coordinates);
        Assert.AreEqual(LatentCoordinates.Original, faithful.Options.Coordinates);
        Assert.AreEqual(1, faithful.Options.FeatureVersion);
    }

    [TestMethod]
    public void ThePreviousDefaultStillLoadsFromItsFileAndWasTrainedAtTheFaithfulModelsBudget()
    {
        // The default of 2026-12-07 before the campaign's model replaced it: a model file of an older feature version.
        var synthetic = AfinModel.Load(RepositoryFiles.Model("afin-synthetic.afin"));
        var faithful = AfinModel.LoadDefault(AfinArchitecture.Faithful);
        Assert.AreEqual(AfinArchitecture.Pooled, synthetic.Options.Architecture);
        Assert.AreEqual(LatentCoordinates.Full, synthetic.Options.Coordinates);
        Assert.AreEqual(2, synthetic.Options.FeatureVersion);
        // The two were trained on the same task distribution for the same number of steps: the comparison in
        // docs/benchmarks.md ("Canonical coordinates") is at equal budget.
        Assert.AreEqual((faithful.Tasks.MinDimension, faithful.Tasks.MaxDimension, faithful.Tasks.MinSites, faithful.Tasks.MaxSites),
            (synthetic.Tasks.MinDimension, synthetic.Tasks.MaxDimension, synthetic.Tasks.MinSites, synthetic.Tasks.MaxSites));
        CollectionAssert.AreEqual(faithful.Tasks.LikelihoodFamilies.ToArray(), synthetic.Tasks.LikelihoodFamilies.ToArray());
        Assert.AreEqual(faithful.Training.Options!.BatchSize, synthetic.Training.Options!.BatchSize);
        Assert.AreEqual(faithful.Training.Steps, synthetic.Training.Steps);
        Assert.AreEqual(faithful.Training.Seed, synthetic.Training.Seed);
    }

    [TestMethod]
    [DataRow(AfinArchitecture.Faithful)]
    [DataRow(AfinArchitecture.Pooled)]
    public void IsFarMoreAccurateThanThePriorOnHeldOutConjugateProblems(AfinArchitecture architecture)
    {
        // Fresh problems (a seed the training never used) scored against the exact posterior; the
        // bound is loose so it guards against a broken or swapped model, not against noise.
        var model = AfinModel.LoadDefault(architecture);
        var tasks = model.Tasks with { PriorFamilies = ["gaussian", "full_rank_gaussian"], LikelihoodFamilies = ["linear_gaussian", "direct_gaussian"], HardCaseProbability = 0 };
        var sampler = new TaskSampler(tasks, 424242);
        var problems = Enumerable.Range(0, 40).Select(_ =>
        {
            var (d, n) = sampler.SampleShape();
            return sampler.SampleTask(d, n).Problem;
        }).ToArray();
        var posteriors = model.Infer(problems);
        var klAfin = new List<double>();
        var klPrior = new List<double>();
        for (int i = 0; i < problems.Length; i++)
        {
            var exact = ExactPosterior.Compute(problems[i]);
            klAfin.Add(GaussianKl.DivergencePerDimension(exact.Mean, exact.Covariance, posteriors[i].Mean, posteriors[i].Covariance));
            var prior = ExactPosterior.Compute(Afin.Modelling.BayesianProblem.Create(problems[i].Prior, dimension: problems[i].Dimension));
            klPrior.Add(GaussianKl.DivergencePerDimension(exact.Mean, exact.Covariance, prior.Mean, prior.Covariance));
        }
        double medianAfin = klAfin.Order().ElementAt(klAfin.Count / 2);
        double medianPrior = klPrior.Order().ElementAt(klPrior.Count / 2);
        Assert.IsTrue(medianAfin < 0.25 * medianPrior, $"median KL/d: AFIN {medianAfin}, prior {medianPrior}");
    }

    [TestMethod]
    public void AnswersAnUnscaledRegressionWithAnInterceptLikeTheExactPosterior()
    {
        // What the earlier default got 30x wrong: an intercept column and raw features on scales 0.1 to 100. In Laplace
        // coordinates the scales are gone before the network sees the problem.
        var rng = new Random(5);
        int n = 48;
        double[] scales = [0.1, 3, 100];
        var x = new double[n, 4];
        var y = new double[n];
        for (int r = 0; r < n; r++)
        {
            x[r, 0] = 1;
            double eta = 2;
            for (int j = 0; j < 3; j++)
            {
                x[r, j + 1] = 5 * scales[j] + scales[j] * TestProblems.Normal(rng);
                eta += x[r, j + 1] / scales[j] * 0.3;
            }
            y[r] = eta + 0.5 * TestProblems.Normal(rng);
        }
        var problem = Afin.Modelling.BayesianProblem.Create(new Afin.Modelling.GaussianPrior(0, 10), [new Afin.Modelling.LinearGaussianBlock(x, y, 0.5)]);
        var model = AfinModel.LoadDefault();
        var posterior = model.Infer(problem);
        var exact = ExactPosterior.Compute(problem);
        var sd = exact.StdDev;
        for (int i = 0; i < 4; i++)
        {
            Assert.AreEqual(exact.Mean[i], posterior.Mean[i], 0.1 * sd[i], $"mean[{i}]");
            Assert.AreEqual(sd[i], Math.Sqrt(posterior.Covariance[i, i]), 0.1 * sd[i], $"sd[{i}]");
        }
    }
}
