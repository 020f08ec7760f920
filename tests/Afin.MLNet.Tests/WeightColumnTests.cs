using Afin.Inference;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Afin.MLNet.Tests;

/// <summary>Observation weights through GroupObservations: a weight of 2 counts a row twice.</summary>
[TestClass]
public sealed class WeightColumnTests
{
    private sealed class Visit
    {
        public string Store { get; set; } = "";

        [VectorType(2)]
        public float[] Features { get; set; } = [];

        public float Bought { get; set; }

        public float Weight { get; set; } = 1;
    }

    private static Visit[] Visits()
    {
        var random = new Random(12);
        return Enumerable.Range(0, 40).Select(i => new Visit
        {
            Store = $"s{i % 2}",
            Features = [1f, (float)(2 * random.NextDouble() - 1)],
            Bought = random.NextDouble() < 0.5 ? 1 : 0,
            Weight = 1 + i % 3,
        }).ToArray();
    }

    [TestMethod]
    public void WeightedRowsGiveTheRepeatedRowsPosteriorAndSkipTheNetwork()
    {
        var ml = new MLContext(seed: 1);
        var visits = Visits();
        var repeated = visits.SelectMany(v => Enumerable.Repeat(new Visit { Store = v.Store, Features = v.Features, Bought = v.Bought }, (int)v.Weight)).ToArray();
        var grouping = new ObservationGroupingOptions
        {
            GroupColumn = nameof(Visit.Store), FeaturesColumn = nameof(Visit.Features), LabelColumn = nameof(Visit.Bought), LikelihoodFamily = "bernoulli_logit",
        };
        double[][] Means(Visit[] rows, ObservationGroupingOptions options, InferenceMode mode)
        {
            var problems = ml.Data.GroupObservations(ml.Data.LoadFromEnumerable(rows), options);
            var output = ml.Transforms.AfinPosterior(new AfinPosteriorOptions { Mode = mode, ModelPath = TestModel.Path }).Fit(problems).Transform(problems);
            return ml.Data.ReadGroupPosteriors<string>(output, nameof(Visit.Store)).Select(p => p.Mean).ToArray();
        }

        var weighted = Means(visits, grouping with { WeightColumn = nameof(Visit.Weight) }, InferenceMode.Laplace);
        var reference = Means(repeated, grouping, InferenceMode.Laplace);
        for (int g = 0; g < 2; g++)
        {
            Support.AssertClose(reference[g], weighted[g], 1e-8, $"group {g}");
        }

        // Auto answers weighted groups without the network (the tiny test model was never trained on weights).
        var problemsWithWeights = ml.Data.GroupObservations(ml.Data.LoadFromEnumerable(visits), grouping with { WeightColumn = nameof(Visit.Weight) });
        var flagged = ml.Transforms.AfinPosterior(new AfinPosteriorOptions { Mode = InferenceMode.Amortized, ModelPath = TestModel.Path, FailurePolicy = AfinFailurePolicy.Flag })
            .Fit(problemsWithWeights).Transform(problemsWithWeights);
        var errors = flagged.GetColumn<string>("Error").ToArray();
        Assert.IsTrue(errors.All(e => e.Contains("not trained on weighted observations", StringComparison.Ordinal)), string.Join(" | ", errors));
        var auto = Means(visits, grouping with { WeightColumn = nameof(Visit.Weight) }, InferenceMode.Auto);
        Assert.IsTrue(auto.All(m => m.All(double.IsFinite)));
    }
}
