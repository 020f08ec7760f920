using Afin.Inference;
using Afin.Laplace;
using Afin.MLNet.Mapping;
using Afin.Modelling;
using Afin.Network;
using Afin.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Afin.MLNet.Tests;

/// <summary>poisson_log in the LikelihoodFamily column and in grouped observations, with the Offset column as log exposure.</summary>
[TestClass]
public sealed class PoissonFamilyTests
{
    /// <summary>A Poisson-regression problem row, d = 2 (intercept and one feature), with a log exposure per site.</summary>
    private sealed class CountRow
    {
        [VectorType]
        public float[] PriorLoc { get; set; } = [0f];

        [VectorType]
        public float[] PriorScale { get; set; } = [2f];

        public string LikelihoodFamily { get; set; } = "poisson_log";

        [VectorType]
        public float[] X { get; set; } = [];

        [VectorType]
        public float[] Y { get; set; } = [];

        [VectorType]
        public float[] Offset { get; set; } = [];
    }

    private sealed class Claim
    {
        public string Region { get; set; } = "";

        public float Age { get; set; }

        public int Claims { get; set; }

        public float LogExposure { get; set; }
    }

    private static CountRow[] Rows(int count, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(i =>
        {
            int n = 5 + i;
            var feature = Enumerable.Range(0, n).Select(_ => (float)Math.Round(rng.NextDouble() * 2 - 1, 3)).ToArray();
            var offset = Enumerable.Range(0, n).Select(_ => (float)Math.Round(Math.Log(0.5 + 1.5 * rng.NextDouble()), 3)).ToArray();
            return new CountRow
            {
                X = [.. feature.SelectMany(f => new[] { 1f, f })],
                Y = [.. Enumerable.Range(0, n).Select(k => (float)MathNet.Numerics.Distributions.Poisson.Sample(rng, Math.Exp(1 + 0.5 * feature[k] + offset[k])))],
                Offset = offset,
            };
        }).ToArray();
    }

    private static BayesianProblem Problem(CountRow row)
    {
        double[] D(float[] v) => [.. v.Select(x => (double)x)];
        return BayesianProblem.Create(new GaussianPrior(0, 2), [new PoissonLogBlock(Support.Matrix(D(row.X), row.Y.Length, 2), D(row.Y), D(row.Offset))]);
    }

    [TestMethod]
    public void TheFamilyColumnAcceptsPoissonSitesAndTheirOffsets()
    {
        var problem = ProblemReader.Build(new RawProblem
        {
            PriorFamily = "gaussian", PriorLoc = [0.0], PriorScale = [1.0],
            LikelihoodFamily = ["poisson_log", "linear_gaussian", "poisson_log"],
            X = [1, 0.5, 1, -1, 1, 2], Y = [3, 0.4, 0], NoiseScale = [0.5], Offset = [0.7, 0, -0.2],
        }, dimension: null);
        CollectionAssert.AreEqual(new[] { "poisson_log", "linear_gaussian" }, problem.Blocks.Select(b => b.Family).ToArray());
        var counts = (PoissonLogBlock)problem.Blocks[0];
        CollectionAssert.AreEqual(new[] { 3.0, 0.0 }, counts.Y);
        CollectionAssert.AreEqual(new[] { 0.7, -0.2 }, counts.Offset);

        var fractional = Assert.ThrowsExactly<ProblemValidationException>(() => ProblemReader.Build(new RawProblem
        {
            PriorFamily = "gaussian", PriorLoc = [0.0], PriorScale = [1.0], LikelihoodFamily = ["poisson_log"], X = [1, 2], Y = [1, 2.5],
        }, dimension: null));
        Assert.AreEqual("observations[0].y[1]: expected a non-negative integer, got 2.5", fractional.Message);
        var unknown = Assert.ThrowsExactly<ProblemValidationException>(() => ProblemReader.Build(new RawProblem
        {
            PriorFamily = "gaussian", PriorLoc = [0.0], PriorScale = [1.0], LikelihoodFamily = ["poisson"], X = [1], Y = [1],
        }, dimension: null));
        StringAssert.Contains(unknown.Message, "binomial_logit, poisson_log");
    }

    [TestMethod]
    public void LaplaceModeGivesEachRowItsLaplaceApproximationWithTheOffsets()
    {
        var ml = new MLContext(seed: 1);
        var rows = Rows(4, 71);
        var data = ml.Data.LoadFromEnumerable(rows);
        var transformer = ml.Transforms.AfinPosterior(new AfinPosteriorOptions { Mode = InferenceMode.Laplace }).Fit(data);
        var means = Support.Column(transformer.Transform(data), "PosteriorMean");
        for (int i = 0; i < rows.Length; i++)
        {
            var laplace = LaplaceApproximation.Compute(Problem(rows[i]));
            Support.AssertClose(laplace.Mode, means[i], 1e-12, $"mean {i}");
        }
        // The offsets matter: without them the intercept absorbs the mean log exposure, and the answer moves.
        var withoutOffset = ml.Transforms.AfinPosterior(new AfinPosteriorOptions { Mode = InferenceMode.Laplace, OffsetColumn = "NoSuchColumn" }).Fit(data);
        var meansWithout = Support.Column(withoutOffset.Transform(data), "PosteriorMean");
        Assert.IsTrue(means.Zip(meansWithout).All(p => Math.Abs(p.First[0] - p.Second[0]) > 1e-3));
    }

    [TestMethod]
    public void AModelWithoutPoissonAdaptersFailsOnlyThePoissonRowsInAmortizedModeAndSaysWhichVersionHasThem()
    {
        var ml = new MLContext(seed: 1);
        var counts = Rows(2, 72);
        var labels = new CountRow { LikelihoodFamily = "bernoulli_logit", X = [1f, 0.5f, 1f, -0.5f], Y = [1f, 0f], Offset = [0.2f, -0.1f] };
        var data = ml.Data.LoadFromEnumerable(new[] { counts[0], labels, counts[1] });
        var flagged = ml.Transforms.AfinPosterior(new AfinPosteriorOptions { ModelPath = TestModel.Path, FailurePolicy = AfinFailurePolicy.Flag, Mode = InferenceMode.Amortized }).Fit(data);
        var output = flagged.Transform(data);
        var errors = output.GetColumn<string>("Error").ToArray();
        var means = Support.Column(output, "PosteriorMean");
        StringAssert.Contains(errors[0], "row 0: AFIN networks of feature version 1 have no adapter for the likelihood family 'poisson_log' (feature version 3 added it)");
        StringAssert.StartsWith(errors[2], "row 2: AFIN networks of feature version 1");
        Assert.IsTrue(means[0].All(double.IsNaN));
        Assert.IsTrue(string.IsNullOrEmpty(errors[1]), errors[1]);
        Assert.IsTrue(means[1].All(double.IsFinite));

        var throwing = ml.Transforms.AfinPosterior(new AfinPosteriorOptions { ModelPath = TestModel.Path, Mode = InferenceMode.Amortized }).Fit(ml.Data.LoadFromEnumerable(counts));
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => Support.Column(throwing.Transform(ml.Data.LoadFromEnumerable(counts)), "PosteriorMean"));
        StringAssert.StartsWith(error.Message, "AfinPosterior: row 0: AFIN networks of feature version 1 have no adapter");

        // The default mode does not run a network on families it never saw: it weighs draws from the Laplace-t proposal.
        var auto = ml.Transforms.AfinPosterior(new AfinPosteriorOptions { ModelPath = TestModel.Path, ProposalDraws = 400 }).Fit(data);
        // The default failure policy throws on a failed row, so reading the column at all says every row was answered.
        Assert.IsTrue(Support.Column(auto.Transform(data), "PosteriorMean").All(m => m.All(double.IsFinite)));
    }

    [TestMethod]
    public void FineTuningOnCountsNeedsAFeatureVersionThreeModel()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows(4, 73));
        var options = new AfinPosteriorOptions { ModelPath = TestModel.Path, FineTuneSteps = 1, FineTuneBatchSize = 2, FineTuneTemplate = TestModel.Training(1) };
        var refused = Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.AfinPosterior(options).Fit(data));
        StringAssert.Contains(refused.Message, "networks of feature version 1 have no adapter for 'poisson_log'");

        using (var trainer = new AfinTrainer(TestModel.Network with { FeatureVersion = 3 }, TestModel.Tasks with { LikelihoodFamilies = TaskDistribution.AllLikelihoodFamilies }, TestModel.Training(1)))
        {
            var model = trainer.Train();
            var estimator = ml.Transforms.AfinPosterior(options with { ModelPath = null, Model = model });
            var transformer = estimator.Fit(data);
            CollectionAssert.AreEqual(new[] { "poisson_log" }, estimator.LastFineTuneTasks!.LikelihoodFamilies.ToArray());
            Assert.IsTrue(Support.Column(transformer.Transform(data), "PosteriorMean").All(m => m.All(double.IsFinite)));
        }
        Assert.AreEqual(3, AfinNetworkOptions.LatestFeatureVersion);
    }

    [TestMethod]
    public void GroupedCountsCarryTheirLogExposures()
    {
        var ml = new MLContext(seed: 1);
        var claims = Enumerable.Range(0, 9).Select(i => new Claim
        {
            Region = i % 3 == 0 ? "north" : "south", Age = 0.1f * i, Claims = i % 4, LogExposure = (float)Math.Log(1 + i),
        }).ToArray();
        var data = ml.Data.LoadFromEnumerable(claims);
        var options = new ObservationGroupingOptions
        {
            GroupColumn = "Region", FeatureColumns = ["Age"], AddIntercept = true, LabelColumn = "Claims", LikelihoodFamily = "poisson_log", OffsetColumn = "LogExposure",
        };
        var problems = ml.Data.GroupObservations(data, options);
        var offsets = problems.GetColumn<double[]>("Offset").ToArray();
        Assert.AreEqual(Math.Log(4), offsets[0][1], 1e-6);
        var transformer = ml.Transforms.AfinPosterior(new AfinPosteriorOptions { Mode = InferenceMode.Laplace }).Fit(problems);
        var posteriors = ml.Data.ReadGroupPosteriors<string>(transformer.Transform(problems), "Region");
        var north = claims.Where(c => c.Region == "north").ToArray();
        var x = new double[north.Length, 2];
        for (int r = 0; r < north.Length; r++)
        {
            x[r, 0] = 1;
            x[r, 1] = north[r].Age;
        }
        var expected = LaplaceApproximation.Compute(BayesianProblem.Create(new GaussianPrior(0, 1),
            [new PoissonLogBlock(x, [.. north.Select(c => (double)c.Claims)], [.. north.Select(c => (double)c.LogExposure)])]));
        Support.AssertClose(expected.Mode, posteriors.Single(p => p.Key == "north").Mean, 1e-6, "north");

        var linear = Assert.ThrowsExactly<ArgumentException>(() => ml.Data.GroupObservations(data, options with { LikelihoodFamily = "linear_gaussian" }));
        StringAssert.StartsWith(linear.Message, "OffsetColumn: only bernoulli_logit, binomial_logit and poisson_log");
    }
}
