using Afin.References;
using Afin.Modelling;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Afin.MLNet.Tests;

[TestClass]
public sealed class ObservationGroupingTests
{
    /// <summary>One observation of a store's linear regression.</summary>
    private sealed class Observation
    {
        public string Store { get; set; } = "";

        [VectorType(2)]
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }

    private sealed class IntKeyObservation
    {
        public int Segment { get; set; }

        public float A { get; set; }

        public double B { get; set; }

        public bool Clicked { get; set; }
    }

    /// <summary>3 stores, d = 2, N = 3..5 each, interleaved (the input is not sorted by store).</summary>
    private static Observation[] Observations()
    {
        var random = new Random(4);
        var sizes = new Dictionary<string, int> { ["north"] = 4, ["south"] = 5, ["east"] = 3 };
        var rows = new List<Observation>();
        for (int k = 0; k < 5; k++)
        {
            foreach (var (store, n) in sizes)
            {
                if (k < n)
                {
                    var x = new[] { (float)random.NextDouble() * 2 - 1, (float)random.NextDouble() * 2 - 1 };
                    rows.Add(new Observation { Store = store, Features = x, Label = 0.7f * x[0] - 0.3f * x[1] + 0.1f * (float)random.NextDouble() });
                }
            }
        }
        return rows.ToArray();
    }

    [TestMethod]
    public void ANonNumericOrVectorColumnWhereAScalarIsExpectedIsNamed()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Observations());
        // The group key (text) as the label, and the feature vector as the label: neither is a numeric scalar.
        var textLabel = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            ml.Data.GroupObservations(data, new ObservationGroupingOptions { GroupColumn = "Store", LabelColumn = "Store", NoiseScale = 0.5 }));
        Assert.AreEqual("observations", textLabel.ParamName);
        StringAssert.Contains(textLabel.Message, "GroupObservations: column 'Store': expected a scalar of Single, Double, Int32, Int64 or Boolean, got String");
        var vectorLabel = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            ml.Data.GroupObservations(data, new ObservationGroupingOptions { GroupColumn = "Store", LabelColumn = "Features", NoiseScale = 0.5 }));
        StringAssert.Contains(vectorLabel.Message, "column 'Features': expected a scalar of");
    }

    [TestMethod]
    public void GroupedRegressionsGiveOnePosteriorPerGroupWithItsKey()
    {
        var ml = new MLContext(seed: 1);
        var observations = Observations();
        var options = new ObservationGroupingOptions { GroupColumn = "Store", NoiseScale = 0.5, PriorScale = [2.0] };
        var problems = ml.Data.GroupObservations(ml.Data.LoadFromEnumerable(observations), options);
        Assert.AreEqual(TextDataViewType.Instance, problems.Schema["Store"].Type);
        CollectionAssert.AreEqual(
            new[] { "Store", "ObservationCount", "PriorFamily", "PriorLoc", "PriorScale", "LikelihoodFamily", "X", "Y", "NoiseScale" },
            problems.Schema.Select(c => c.Name).ToArray());

        var transformer = ml.Transforms.AfinPosterior(TestModel.Path).Fit(problems);
        var output = transformer.Transform(problems);
        var stores = output.GetColumn<string>("Store").ToArray();
        CollectionAssert.AreEqual(new[] { "north", "south", "east" }, stores);
        CollectionAssert.AreEqual(new[] { 4, 5, 3 }, output.GetColumn<int>("ObservationCount").ToArray());
        var posteriors = ml.Data.ReadGroupPosteriors<string>(output, "Store");
        Assert.HasCount(3, posteriors);

        // Each group's posterior is the exact posterior of the problem built by hand from that group's observations: per-group
        // linear regressions with known noise are conjugate, and the default mode answers them in closed form.
        var methods = output.GetColumn<string>("InferenceMethod").ToArray();
        for (int g = 0; g < 3; g++)
        {
            var own = observations.Where(o => o.Store == stores[g]).ToArray();
            var x = Support.Matrix(own.SelectMany(o => o.Features.Select(v => (double)v)).ToArray(), own.Length, 2);
            var problem = BayesianProblem.Create(new GaussianPrior(0, 2), [new LinearGaussianBlock(x, own.Select(o => (double)o.Label).ToArray(), 0.5)]);
            var expected = ExactPosterior.Compute(problem);
            Assert.AreEqual(stores[g], posteriors[g].Key);
            Assert.AreEqual(2, posteriors[g].Dimension);
            Assert.HasCount(4, posteriors[g].Covariance);
            Assert.AreEqual("", posteriors[g].Error);
            Assert.AreEqual("Exact", methods[g]);
            Support.AssertClose(expected.Mean, posteriors[g].Mean, 1e-8, $"mean {stores[g]}");
            Support.AssertClose(Support.Flatten(expected.Covariance), posteriors[g].Covariance, 1e-8, $"covariance {stores[g]}");
        }
    }

    [TestMethod]
    public void IntegerKeysScalarFeaturesInterceptAndLogisticLabels()
    {
        var ml = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, 12).Select(i => new IntKeyObservation { Segment = 10 + i % 2, A = i * 0.1f, B = -i * 0.05, Clicked = i % 3 == 0 }).ToArray();
        var problems = ml.Data.GroupObservations(ml.Data.LoadFromEnumerable(rows), new ObservationGroupingOptions
        {
            GroupColumn = "Segment", FeatureColumns = ["A", "B"], AddIntercept = true, LabelColumn = "Clicked", LikelihoodFamily = "bernoulli_logit",
        });
        Assert.IsNull(problems.Schema.GetColumnOrNull("NoiseScale"));
        var x = problems.GetColumn<double[]>("X").ToArray();
        Assert.HasCount(18, x[0]);
        CollectionAssert.AreEqual(new[] { 1.0, 0.0, 0.0 }, x[0].Take(3).ToArray());
        var transformer = ml.Transforms.AfinPosterior(TestModel.Path).Fit(problems);
        var posteriors = ml.Data.ReadGroupPosteriors<int>(transformer.Transform(problems), "Segment");
        CollectionAssert.AreEqual(new[] { 10, 11 }, posteriors.Select(p => p.Key).ToArray());
        Assert.IsTrue(posteriors.All(p => p.Dimension == 3 && p.Mean.All(double.IsFinite)));
    }

    [TestMethod]
    public void MissingOrWrongColumnsAreReportedAtOnce()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Observations());
        var missing = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Data.GroupObservations(data, new ObservationGroupingOptions()));
        StringAssert.Contains(missing.Message, "'Group'");
        var wrong = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            ml.Data.GroupObservations(data, new ObservationGroupingOptions { GroupColumn = "Store", LabelColumn = "Store" }));
        StringAssert.Contains(wrong.Message, "'Store'");
        Assert.ThrowsExactly<ArgumentException>(() =>
            ml.Data.GroupObservations(data, new ObservationGroupingOptions { GroupColumn = "Store", LikelihoodFamily = "direct_gaussian" }));
        var output = ml.Data.GroupObservations(data, new ObservationGroupingOptions { GroupColumn = "Store" });
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Data.ReadGroupPosteriors<int>(output, "Store"));
    }
}
