using Afin.Inference;
using Afin.MLNet.Prediction;
using Afin.Modelling;
using Afin.Prediction;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Afin.MLNet.Tests;

[TestClass]
public sealed class GroupPredictorTests
{
    /// <summary>One visit: the store, two features and whether it ended in a purchase.</summary>
    private sealed class Visit
    {
        public string Store { get; set; } = "";

        [VectorType(2)]
        public float[] Features { get; set; } = [];

        public float Bought { get; set; }
    }

    /// <summary>The scored columns as a typed row.</summary>
    private sealed class Scored
    {
        public string Store { get; set; } = "";

        public float Score { get; set; }

        public float Lower { get; set; }

        public float Upper { get; set; }

        public float Probability { get; set; }

        public bool PredictedLabel { get; set; }

        public bool KnownGroup { get; set; }
    }

    private static readonly ObservationGroupingOptions Grouping = new()
    {
        GroupColumn = nameof(Visit.Store), FeaturesColumn = nameof(Visit.Features), LabelColumn = nameof(Visit.Bought),
        LikelihoodFamily = "bernoulli_logit", AddIntercept = true, PriorLoc = [0.0], PriorScale = [1.5],
    };

    private static Visit[] History()
    {
        var random = new Random(21);
        var rows = new List<Visit>();
        for (int s = 0; s < 4; s++)
        {
            double a = random.NextDouble() - 0.5, b = 2 * random.NextDouble() - 1;
            for (int n = 0; n < 30; n++)
            {
                float x0 = (float)(2 * random.NextDouble() - 1), x1 = (float)(2 * random.NextDouble() - 1);
                double p = 1 / (1 + Math.Exp(-(a + b * x0 - 0.5 * x1)));
                rows.Add(new Visit { Store = $"s{s}", Features = [x0, x1], Bought = random.NextDouble() < p ? 1 : 0 });
            }
        }
        return rows.ToArray();
    }

    private static Visit[] NextWeek() =>
    [
        new() { Store = "s0", Features = [0.5f, -0.2f] },
        new() { Store = "s2", Features = [-0.8f, 0.9f] },
        new() { Store = "s0", Features = [0.1f, 0.1f] },
        new() { Store = "new-store", Features = [0.3f, 0.4f] },
    ];

    [TestMethod]
    public void ScoresNewRowsFromEachGroupsPosteriorAndUnseenGroupsFromThePrior()
    {
        var ml = new MLContext(seed: 1);
        var history = History();
        var estimator = ml.Transforms.AfinGroupPredictor(new AfinGroupPredictorOptions { Grouping = Grouping, Mode = InferenceMode.Laplace });
        var transformer = estimator.Fit(ml.Data.LoadFromEnumerable(history));
        Assert.AreEqual(4, transformer.GroupCount);
        Assert.AreEqual(3, transformer.Dimension, "two features and the intercept");

        var next = NextWeek();
        var scored = ml.Data.CreateEnumerable<Scored>(transformer.Transform(ml.Data.LoadFromEnumerable(next)), reuseRowObject: false).ToArray();

        for (int r = 0; r < next.Length; r++)
        {
            var row = new PredictionRows { X = new double[,] { { 1, next[r].Features[0], next[r].Features[1] } } };
            var likelihood = PredictiveLikelihood.Create("bernoulli_logit");
            var expected = next[r].Store == "new-store"
                ? PosteriorPredictive.Predict([0, 0, 0], new double[,] { { 2.25, 0, 0 }, { 0, 2.25, 0 }, { 0, 0, 2.25 } }, likelihood, row).Predictions[0]
                : PosteriorPredictive.Predict(AfinInference.RunLaplace(StoreProblem(history, next[r].Store)), likelihood, row).Predictions[0];
            Assert.AreEqual(expected.Probability!.Value, scored[r].Probability, 1e-6, $"row {r}");
            Assert.AreEqual(scored[r].Probability, scored[r].Score);
            Assert.AreEqual(scored[r].Probability >= 0.5, scored[r].PredictedLabel);
            Assert.AreEqual(next[r].Store != "new-store", scored[r].KnownGroup, $"row {r}");
        }
    }

    [TestMethod]
    public void SavedAndLoadedPredictorScoresTheSame()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(History());
        var transformer = ml.Transforms.AfinGroupPredictor(new AfinGroupPredictorOptions { Grouping = Grouping, Mode = InferenceMode.Laplace, Level = 0.8 }).Fit(data);
        var next = ml.Data.LoadFromEnumerable(NextWeek());
        string zip = TestModel.TempPath(".zip");
        ml.Model.Save(transformer, data.Schema, zip);

        var loaded = new MLContext(seed: 2).Model.Load(zip, out _);

        var before = transformer.Transform(next).GetColumn<float>("Score").ToArray();
        var after = loaded.Transform(next).GetColumn<float>("Score").ToArray();
        CollectionAssert.AreEqual(before, after);
        CollectionAssert.AreEqual(transformer.Transform(next).GetColumn<bool>("KnownGroup").ToArray(), loaded.Transform(next).GetColumn<bool>("KnownGroup").ToArray());
        Assert.AreEqual(0.8, ((AfinGroupPredictorTransformer)loaded).Options.Level);
    }

    [TestMethod]
    public void GaussianRowsGetIntervalsAndNoProbabilityColumns()
    {
        var ml = new MLContext(seed: 1);
        var history = History().Select(v => new Visit { Store = v.Store, Features = v.Features, Bought = v.Features[0] * 2 + v.Bought }).ToArray();
        var options = new AfinGroupPredictorOptions { Grouping = Grouping with { LikelihoodFamily = "linear_gaussian", NoiseScale = 0.5 }, Mode = InferenceMode.Laplace };
        var output = ml.Transforms.AfinGroupPredictor(options).Fit(ml.Data.LoadFromEnumerable(history)).Transform(ml.Data.LoadFromEnumerable(NextWeek()));
        Assert.IsNull(output.Schema.GetColumnOrNull("Probability"));
        Assert.IsNull(output.Schema.GetColumnOrNull("PredictedLabel"));
        var score = output.GetColumn<float>("Score").ToArray();
        var lower = output.GetColumn<float>("Lower").ToArray();
        var upper = output.GetColumn<float>("Upper").ToArray();
        for (int r = 0; r < score.Length; r++)
        {
            Assert.IsTrue(lower[r] < score[r] && score[r] < upper[r], $"row {r}");
            Assert.IsGreaterThan(2 * 1.6448 * 0.5 - 1e-3, upper[r] - lower[r], "the interval holds at least the noise");
        }
    }

    [TestMethod]
    public void BadRowsAreNamedAndWithTheFlagPolicyOnlyThemFail()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(History());
        var options = new AfinGroupPredictorOptions { Grouping = Grouping, Mode = InferenceMode.Laplace };
        var rows = NextWeek();
        rows[1].Features = [float.NaN, 0.2f];
        var next = ml.Data.LoadFromEnumerable(rows);

        var throwing = ml.Transforms.AfinGroupPredictor(options).Fit(data);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => throwing.Transform(next).GetColumn<float>("Score").ToArray());
        StringAssert.StartsWith(e.Message, "AfinGroupPredictor: row 1: rows.x[0][1]: expected a finite number");

        var flagging = ml.Transforms.AfinGroupPredictor(options with { FailurePolicy = AfinFailurePolicy.Flag }).Fit(data);
        var output = flagging.Transform(next);
        var errors = output.GetColumn<string>("Error").ToArray();
        var score = output.GetColumn<float>("Score").ToArray();
        Assert.IsTrue(float.IsNaN(score[1]));
        StringAssert.Contains(errors[1], "row 1:");
        Assert.IsTrue(errors.Where((_, i) => i != 1).All(string.IsNullOrEmpty));
        Assert.IsTrue(score.Where((_, i) => i != 1).All(float.IsFinite));

        var missing = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => throwing.GetOutputSchema(ml.Data.LoadFromEnumerable(new[] { new { Store = "s0" } }).Schema));
        StringAssert.Contains(missing.Message, "feature column 'Features' not found");
    }

    /// <summary>A visit keyed by a numeric store id.</summary>
    private sealed class NumberedVisit
    {
        public int StoreId { get; set; }

        [VectorType(2)]
        public float[] Features { get; set; } = [];

        public float Bought { get; set; }
    }

    [TestMethod]
    public void NumericGroupKeysScoreLikeTextKeys()
    {
        var ml = new MLContext(seed: 1);
        var history = History();
        var numbered = history.Select(v => new NumberedVisit { StoreId = int.Parse(v.Store[1..]), Features = v.Features, Bought = v.Bought }).ToArray();
        var options = new AfinGroupPredictorOptions { Grouping = Grouping, Mode = InferenceMode.Laplace };
        var byText = ml.Transforms.AfinGroupPredictor(options).Fit(ml.Data.LoadFromEnumerable(history));
        var byNumber = ml.Transforms.AfinGroupPredictor(options with { Grouping = Grouping with { GroupColumn = nameof(NumberedVisit.StoreId) } })
            .Fit(ml.Data.LoadFromEnumerable(numbered));
        var next = NextWeek();
        var nextNumbered = next.Select(v => new NumberedVisit { StoreId = v.Store == "new-store" ? 99 : int.Parse(v.Store[1..]), Features = v.Features }).ToArray();

        var text = byText.Transform(ml.Data.LoadFromEnumerable(next)).GetColumn<float>("Score").ToArray();
        var number = byNumber.Transform(ml.Data.LoadFromEnumerable(nextNumbered)).GetColumn<float>("Score").ToArray();
        CollectionAssert.AreEqual(text, number);
        CollectionAssert.AreEqual(new[] { true, true, true, false }, byNumber.Transform(ml.Data.LoadFromEnumerable(nextNumbered)).GetColumn<bool>("KnownGroup").ToArray());
    }

    /// <summary>The store's logistic regression, as GroupObservations builds it: intercept, two features, N(0, 1.5²) prior.</summary>
    private static BayesianProblem StoreProblem(Visit[] history, string store)
    {
        var rows = history.Where(v => v.Store == store).ToArray();
        var x = new double[rows.Length, 3];
        for (int n = 0; n < rows.Length; n++)
        {
            x[n, 0] = 1;
            x[n, 1] = rows[n].Features[0];
            x[n, 2] = rows[n].Features[1];
        }
        return BayesianProblem.Create(new GaussianPrior(0, 1.5), [new BernoulliLogitBlock(x, rows.Select(v => (double)v.Bought).ToArray())]);
    }
}
