using Afin.Inference;
using Afin.MLNet.Mapping;
using Afin.Modelling;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Afin.MLNet.Tests;

/// <summary>The optional Offset input column: read per site into the logit blocks, rejected where no family can take it.</summary>
[TestClass]
public sealed class OffsetColumnTests
{
    /// <summary>A logistic-regression problem row with an offset per site.</summary>
    private sealed class LogitRow
    {
        [VectorType]
        public float[] PriorLoc { get; set; } = [0f];

        [VectorType]
        public float[] PriorScale { get; set; } = [1f];

        public string LikelihoodFamily { get; set; } = "bernoulli_logit";

        [VectorType]
        public float[] X { get; set; } = [];

        [VectorType]
        public float[] Y { get; set; } = [];

        [VectorType]
        public float[] Offset { get; set; } = [];
    }

    private sealed class TextOffsetRow
    {
        [VectorType]
        public float[] PriorLoc { get; set; } = [0f];

        public string Offset { get; set; } = "1";
    }

    private sealed class Visit
    {
        public string Patient { get; set; } = "";

        public float Dose { get; set; }

        public bool Event { get; set; }

        public float LogExposure { get; set; }
    }

    /// <summary>A mixed row, d = 2: sites [bernoulli, linear_gaussian, binomial, bernoulli].</summary>
    private static RawProblem Mixed(double[]? offset) => new()
    {
        PriorFamily = "gaussian",
        PriorLoc = [0.0],
        PriorScale = [1.0],
        LikelihoodFamily = ["bernoulli_logit", "linear_gaussian", "binomial_logit", "bernoulli_logit"],
        X = [1, 0, 0.5, 1, -1, 2, 0.3, 0.3],
        Y = [1, 0.4, 2, 0],
        NoiseScale = [0.5],
        TotalCount = [3],
        Offset = offset,
    };

    [TestMethod]
    public void OffsetsAreSplitPerSiteIntoTheLogitBlocksAndAScalarIsBroadcast()
    {
        var problem = ProblemReader.Build(Mixed([0.5, 0, -1.25, 2]), dimension: null);
        CollectionAssert.AreEqual(new[] { "bernoulli_logit", "linear_gaussian", "binomial_logit" }, problem.Blocks.Select(b => b.Family).ToArray());
        CollectionAssert.AreEqual(new[] { 0.5, 2.0 }, ((BernoulliLogitBlock)problem.Blocks[0]).Offset);
        CollectionAssert.AreEqual(new[] { -1.25 }, ((BinomialLogitBlock)problem.Blocks[2]).Offset);

        var scalar = ProblemReader.Build(new RawProblem
        {
            PriorFamily = "gaussian", PriorLoc = [0.0], PriorScale = [1.0], LikelihoodFamily = ["bernoulli_logit"],
            X = [1, 2, 3], Y = [1, 0, 1], Offset = [0.75],
        }, dimension: null);
        CollectionAssert.AreEqual(new[] { 0.75, 0.75, 0.75 }, ((BernoulliLogitBlock)scalar.Blocks[0]).Offset);

        var absent = ProblemReader.Build(Mixed(null), dimension: null);
        CollectionAssert.AreEqual(new[] { 0.0, 0.0 }, ((BernoulliLogitBlock)absent.Blocks[0]).Offset);
    }

    [TestMethod]
    public void AnOffsetWhereNoFamilyTakesOneFailsTheRowNamingTheColumn()
    {
        var perSite = Assert.ThrowsExactly<ProblemValidationException>(() => ProblemReader.Build(Mixed([0.5, 0.7, -1.25, 2]), dimension: null));
        Assert.AreEqual("Offset", perSite.Path);
        StringAssert.Contains(perSite.Message, "likelihood family linear_gaussian takes no offset");
        StringAssert.Contains(perSite.Message, "got 0.7 at site 1");
        var broadcast = Assert.ThrowsExactly<ProblemValidationException>(() => ProblemReader.Build(Mixed([0.2]), dimension: null));
        StringAssert.Contains(broadcast.Message, "got 0.2 for every site");
        var length = Assert.ThrowsExactly<ProblemValidationException>(() => ProblemReader.Build(Mixed([0.5, 0]), dimension: null));
        StringAssert.StartsWith(length.Message, "Offset: expected length N = 4 or 1, got 2");
        var nan = Assert.ThrowsExactly<ProblemValidationException>(() => ProblemReader.Build(Mixed([0.5, 0, double.NaN, 2]), dimension: null));
        StringAssert.StartsWith(nan.Message, "observations[2].offset[0]: expected a finite number, got NaN");

        // Through the transformer, the row's error names the row and the column.
        var ml = new MLContext(seed: 1);
        var rows = new[] { new LogitRow { LikelihoodFamily = "linear_gaussian", X = [1f, 2f], Y = [0.5f, 0.1f], Offset = [0f, 0.5f] } };
        var data = ml.Data.LoadFromEnumerable(rows);
        var transformer = ml.Transforms.AfinPosterior(new AfinPosteriorOptions { ModelPath = TestModel.Path }).Fit(data);
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => Support.Column(transformer.Transform(data), "PosteriorMean"));
        StringAssert.StartsWith(error.Message, "AfinPosterior: row 0: Offset: likelihood family linear_gaussian takes no offset");

        var text = ml.Data.LoadFromEnumerable(new[] { new TextOffsetRow() });
        var mismatch = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Transforms.AfinPosterior(TestModel.Path).Fit(text));
        StringAssert.Contains(mismatch.Message, "'Offset' (Offset)");
    }

    [TestMethod]
    public void OffsetColumnReachesTheExactDensityOfTheCorrectedMode()
    {
        // The network ignores offsets for now; the Corrected mode weighs AFIN's draws by the exact density, which has them.
        var rng = new Random(5);
        float F(double scale) => (float)Math.Round(scale * (rng.NextDouble() * 2 - 1), 3);
        var rows = Enumerable.Range(0, 3).Select(i => new LogitRow
        {
            X = [.. Enumerable.Range(0, 12).Select(_ => F(1.5))],
            Y = [.. Enumerable.Range(0, 6).Select(n => (float)((n + i) % 2))],
            Offset = [.. Enumerable.Range(0, 6).Select(_ => F(2))],
        }).ToArray();
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = Support.LoadTestModel();
        var options = new AfinPosteriorOptions { Model = model, Mode = InferenceMode.Corrected, ProposalDraws = 400, SampleSeed = 3 };
        var transformer = ml.Transforms.AfinPosterior(options).Fit(data);
        var means = Support.Column(transformer.Transform(data), "PosteriorMean");

        var withoutOffset = ml.Transforms.AfinPosterior(options with { OffsetColumn = "NoSuchColumn" }).Fit(data);
        var meansWithout = Support.Column(withoutOffset.Transform(data), "PosteriorMean");
        for (int i = 0; i < rows.Length; i++)
        {
            double[] D(float[] v) => [.. v.Select(x => (double)x)];
            var block = new BernoulliLogitBlock(Support.Matrix(D(rows[i].X), 6, 2), D(rows[i].Y), D(rows[i].Offset));
            var problem = BayesianProblem.Create(new GaussianPrior(0, 1), [block]);
            var expected = AfinInference.Run(model, problem, InferenceMode.Corrected, new AutoInferenceOptions { ProposalDraws = 400, Seed = 3 + i });
            Support.AssertClose(expected.Mean, means[i], 1e-6, $"mean {i}");
            Assert.IsTrue(means[i].Zip(meansWithout[i]).Any(p => Math.Abs(p.First - p.Second) > 1e-3), $"row {i}: the offset changed nothing");
        }
    }

    [TestMethod]
    public void GroupedObservationsCarryAnOffsetColumnForLogitFamilies()
    {
        var ml = new MLContext(seed: 1);
        var visits = Enumerable.Range(0, 7).Select(i => new Visit
        {
            Patient = i % 2 == 0 ? "a" : "b", Dose = 0.2f * i, Event = i % 3 == 0, LogExposure = 0.5f * i - 1,
        }).ToArray();
        var data = ml.Data.LoadFromEnumerable(visits);
        var options = new ObservationGroupingOptions
        {
            GroupColumn = "Patient", FeatureColumns = ["Dose"], LabelColumn = "Event", LikelihoodFamily = "bernoulli_logit", OffsetColumn = "LogExposure",
        };
        var problems = ml.Data.GroupObservations(data, options);
        Assert.AreEqual("Offset", problems.Schema[^1].Name);
        var offsets = problems.GetColumn<double[]>("Offset").ToArray();
        CollectionAssert.AreEqual(new[] { -1.0, 0.0, 1.0, 2.0 }, offsets[0]);
        CollectionAssert.AreEqual(new[] { -0.5, 0.5, 1.5 }, offsets[1]);

        var transformer = ml.Transforms.AfinPosterior(new AfinPosteriorOptions { ModelPath = TestModel.Path }).Fit(problems);
        var posteriors = ml.Data.ReadGroupPosteriors<string>(transformer.Transform(problems), "Patient");
        Assert.IsTrue(posteriors.All(p => p.Dimension == 1 && double.IsFinite(p.Mean[0])));

        var linear = Assert.ThrowsExactly<ArgumentException>(() =>
            ml.Data.GroupObservations(data, options with { LikelihoodFamily = "linear_gaussian" }));
        StringAssert.StartsWith(linear.Message, "OffsetColumn: only bernoulli_logit, binomial_logit and poisson_log");
        Assert.IsNull(ml.Data.GroupObservations(data, options with { OffsetColumn = null }).Schema.GetColumnOrNull("Offset"));
    }
}
