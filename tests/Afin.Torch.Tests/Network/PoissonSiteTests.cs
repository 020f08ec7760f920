using Afin.Canonical;
using Afin.Modelling;
using Afin.Network;
using Afin.Persistence;
using Afin.Tests.Training;
using Afin.Training;
using TorchSharp;
using static Afin.Tests.Network.NetworkTestKit;
using static TorchSharp.torch;

namespace Afin.Tests.Network;

/// <summary>Feature version 3: the Poisson site family, and the versions before it kept as they were.</summary>
[TestClass]
public sealed class PoissonSiteTests
{
    private static AfinNetworkOptions Version(int featureVersion, AfinArchitecture architecture = AfinArchitecture.Faithful) =>
        Tiny(PosteriorFamily.Gaussian) with { FeatureVersion = featureVersion, Architecture = architecture };

    [TestMethod]
    [DataRow(AfinArchitecture.Faithful)]
    [DataRow(AfinArchitecture.Pooled)]
    public void PoissonSitesGiveFiniteOutputsAndGradientsReachTheirAdapters(AfinArchitecture architecture)
    {
        var rng = new Random(61);
        var problems = new[]
        {
            Mixed(rng, 3, "gaussian", ("poisson_log", 4)),
            Mixed(rng, 3, "student_t", ("poisson_log", 2), ("bernoulli_logit", 2), ("linear_gaussian", 1)),
            Mixed(rng, 3, "laplace", ("binomial_logit", 1), ("direct_gaussian", 1)),
        };
        using var net = Perturbed(Version(3, architecture));
        using var scope = NewDisposeScope();
        using var batch = net.CreateBatch(problems);
        var logq = net.LogProb(batch, randn(problems.Length, 3, dtype: ScalarType.Float64));
        Assert.IsTrue(logq.isfinite().all().ToBoolean(), "log q must be finite");
        (-logq.mean() / 3).backward();
        var grads = net.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad);
        foreach (var kind in new[] { "node", "pair" })
        {
            var g = grads[$"adapter.like_{kind}_nets.poisson_log.mlp.0.weight"];
            Assert.IsNotNull(g, $"no gradient for the Poisson {kind} adapter");
            Assert.IsGreaterThan(0.0, g.abs().max().ToDouble());
        }
        Assert.IsTrue(net.Infer(problems).All(q => q.Mean.All(double.IsFinite) && q.Covariance[0, 0] > 0));
    }

    [TestMethod]
    public void GaussianMeanAndCovariancePermuteWithCoordinatesWithPoissonSites()
    {
        int[] perm = [2, 0, 3, 1];
        var problem = Mixed(new Random(62), 4, "full_rank_gaussian", ("poisson_log", 3), ("linear_gaussian", 1), ("binomial_logit", 1));
        using var net = Perturbed(Version(3));
        var q = net.Infer([problem, Permute(problem, perm)]);
        Assert.IsGreaterThan(1e-3, q[0].Mean.Select(Math.Abs).Max(), "the perturbed network should give a non-trivial mean");
        Assert.IsLessThan(1e-5, MaxAbsDiff(perm.Select(i => q[0].Mean[i]).ToArray(), q[1].Mean));
        Assert.IsLessThan(1e-5, MaxAbsDiff(PermuteMatrix(q[0].Covariance, perm), q[1].Covariance));
    }

    [TestMethod]
    public void ASiteSeesItsCountOffsetLogResidualAndRow()
    {
        // Node features of coordinate i: symlog of [y, log(1 + y), offset, log(y + ½) - offset, log(1 + |x|), x_i, r x_i].
        var block = (PoissonLogBlock)BayesianProblem.Create(new GaussianPrior(0, 1),
            [new PoissonLogBlock(new double[,] { { 0.6, -0.8 } }, [3], [0.4])]).Blocks[0];
        var node = new float[2 * 7];
        var pair = new float[2 * 2 * 11];
        FactorFeatures.Site(block, 0, 2, node, pair, featureVersion: 3);
        static float Symlog(double v) => (float)(Math.Sign(v) * Math.Log(1 + Math.Abs(v)));
        double residual = Math.Log(3.5) - 0.4;
        double[] prefix = [3, Math.Log(4), 0.4, residual, Math.Log(2)];
        for (int i = 0; i < 2; i++)
        {
            double x = i == 0 ? 0.6 : -0.8;
            var expected = prefix.Append(x).Append(residual * x).Select(Symlog).ToArray();
            CollectionAssert.AreEqual(expected, node[(i * 7)..(i * 7 + 7)], $"coordinate {i}");
        }
        Assert.IsTrue(pair.All(float.IsFinite));
    }

    [TestMethod]
    public void EarlierFeatureVersionsKeepTheirExactParameters()
    {
        // Version 3 is version 2 plus the Poisson adapters: every parameter of a version-2 network keeps its name and
        // shape, so version-2 files (the shipped default among them) load as before; version 1 has neither addition.
        Dictionary<string, long[]> Parameters(int version)
        {
            using var net = new AfinNetwork(Version(version));
            return net.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        }
        var v1 = Parameters(1);
        var v2 = Parameters(2);
        var v3 = Parameters(3);
        foreach (var (name, shape) in v2)
        {
            Assert.IsTrue(v3.TryGetValue(name, out var kept), $"{name} is gone");
            CollectionAssert.AreEqual(shape, kept, name);
        }
        var added = v3.Keys.Except(v2.Keys).ToArray();
        Assert.HasCount(8, added, string.Join(", ", added));
        Assert.IsTrue(added.All(n => n.Contains("_nets.poisson_log.")), string.Join(", ", added));
        CollectionAssert.AreEqual(new long[] { 16, 7 }, v3["adapter.like_node_nets.poisson_log.mlp.0.weight"]);
        CollectionAssert.AreEqual(new long[] { 16, 11 }, v3["adapter.like_pair_nets.poisson_log.mlp.0.weight"]);
        Assert.IsFalse(v1.Keys.Concat(v2.Keys).Any(n => n.Contains("poisson")));
        Assert.IsFalse(v1.Keys.Any(n => n.Contains("_nets.laplace.")));
        var synthetic = AfinModel.Load(RepositoryFiles.Model("afin-synthetic.afin"));
        var faithful = AfinModel.LoadDefault(AfinArchitecture.Faithful);
        Assert.AreEqual(2, synthetic.Options.FeatureVersion);
        Assert.AreEqual(1, faithful.Options.FeatureVersion);
        using var syntheticNetwork = AfinNetwork.FromModel(synthetic);
        using var faithfulNetwork = AfinNetwork.FromModel(faithful);
        Assert.IsFalse(syntheticNetwork.named_parameters().Concat(faithfulNetwork.named_parameters()).Any(p => p.name.Contains("poisson")));
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    public void EarlierFeatureVersionsRefuseAPoissonProblemByName(int version)
    {
        var problem = Mixed(new Random(63), 2, "gaussian", ("linear_gaussian", 2), ("poisson_log", 2));
        foreach (var architecture in new[] { AfinArchitecture.Faithful, AfinArchitecture.Pooled })
        {
            using var net = new AfinNetwork(Version(version, architecture));
            var e = Assert.ThrowsExactly<NotSupportedException>(() => net.Infer([problem]));
            StringAssert.StartsWith(e.Message, $"AFIN networks of feature version {version} have no adapter for the likelihood family 'poisson_log' (feature version 3 added it)");
        }
    }

    [TestMethod]
    public void AnOlderModelRefusesAPoissonProblemAndNamesTheVersionThatTakesIt()
    {
        var model = AfinModel.Load(RepositoryFiles.Model("afin-synthetic.afin"));
        var problem = Mixed(new Random(64), 3, "gaussian", ("poisson_log", 5));
        var e = Assert.ThrowsExactly<NotSupportedException>(() => model.Infer(problem));
        StringAssert.Contains(e.Message, "--feature-version 3");
        StringAssert.Contains(new TrainingRange(model.Tasks).Check(problem).Single(), "likelihood family 'poisson_log' was not trained on");
    }

    [TestMethod]
    public void TheShippedModelTakesPoissonProblems()
    {
        var model = AfinModel.LoadDefault();
        var problem = Mixed(new Random(64), 3, "gaussian", ("poisson_log", 5));
        Assert.IsEmpty(new TrainingRange(model.Tasks, model.Options.Coordinates).Check(problem));
        var posterior = model.Infer(problem);
        Assert.IsTrue(posterior.Mean.All(double.IsFinite));
    }

    [TestMethod]
    public void AVersionThreeModelTrainsOnPoissonTasksInLaplaceCoordinatesAndSurvivesSaving()
    {
        var network = TinyTraining.Network with { FeatureVersion = 3, Architecture = AfinArchitecture.Pooled, Coordinates = LatentCoordinates.Full };
        var tasks = TinyTraining.Tasks with { LikelihoodFamilies = ["poisson_log", "bernoulli_logit"] };
        using var trainer = new AfinTrainer(network, tasks, TinyTraining.Options(3));
        var model = trainer.Train();
        Assert.AreEqual(0, trainer.SkippedSteps);
        using var stream = new MemoryStream();
        model.Save(stream);
        stream.Position = 0;
        var loaded = AfinModel.Load(stream);
        Assert.AreEqual(3, loaded.Options.FeatureVersion);
        CollectionAssert.AreEqual(new[] { "poisson_log", "bernoulli_logit" }, loaded.Tasks.LikelihoodFamilies.ToArray());
        var problem = new TaskSampler(tasks with { LikelihoodFamilies = ["poisson_log"] }, 5).SampleTask(3, 6).Problem;
        Assert.IsTrue(model.Covers(problem));
        CollectionAssert.AreEqual(model.Infer(problem).Mean, loaded.Infer(problem).Mean);
        Assert.IsTrue(loaded.Infer(problem).Mean.All(double.IsFinite));
    }
}
