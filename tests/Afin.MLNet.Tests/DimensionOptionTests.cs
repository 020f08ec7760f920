using Afin.MLNet.LoadCheck;
using Afin.MLNet.Persistence;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Afin.MLNet.Tests;

/// <summary><see cref="AfinPosteriorOptions.Dimension"/>: every row is checked against a fixed d, and the outputs get a fixed size.</summary>
[TestClass]
public sealed class DimensionOptionTests
{
    private const int D = 4, N = 40, BadRow = 2;

    /// <summary>Linear-Gaussian rows of d = 4 and N = 40 with broadcast priors; row 2's X has 120 values (a multiple of N: d = 3 by inference).</summary>
    internal static ProblemRow[] Table(bool withBadRow)
    {
        var random = new Random(12);
        float[] Normals(int count) => Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var rows = Enumerable.Range(0, 4).Select(_ => new ProblemRow { X = Normals(N * D), Y = Normals(N), NoiseScale = [0.5f] }).ToArray();
        if (withBadRow)
        {
            rows[BadRow].X = Normals(120);
        }
        return rows;
    }

    [TestMethod]
    public void WithoutTheOptionAnXOfAMultipleOfNChangesTheRowsD()
    {
        // The behaviour the option exists for: inference alone cannot see the mistake.
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Table(withBadRow: true));
        var transformer = ml.Transforms.AfinPosterior(TestModel.Path).Fit(data);
        var means = Support.Column(transformer.Transform(data), "PosteriorMean");
        Assert.HasCount(3, means[BadRow]);
        Assert.HasCount(D, means[0]);
    }

    [TestMethod]
    public void ARowThatDisagreesWithTheDimensionThrowsNamingRowColumnLengthAndD()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Table(withBadRow: true));
        var transformer = ml.Transforms.AfinPosterior(new AfinPosteriorOptions { ModelPath = TestModel.Path, Dimension = D }).Fit(data);
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => Support.Column(transformer.Transform(data), "PosteriorMean"));
        Assert.AreEqual($"AfinPosterior: row {BadRow}: X: expected N*d = 40*4 = 160 values (N = 40, the length of Y; d = 4, the Dimension option), got 120", error.Message);
    }

    [TestMethod]
    public void FlagPolicyKeepsTheFixedSizeForTheDisagreeingRow()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Table(withBadRow: true));
        var options = new AfinPosteriorOptions { ModelPath = TestModel.Path, Dimension = D, FailurePolicy = AfinFailurePolicy.Flag };
        var transformer = ml.Transforms.AfinPosterior(options).Fit(data);
        var rows = ml.Data.CreateEnumerable<FlaggedOutput>(transformer.Transform(data), reuseRowObject: false).ToArray();
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.HasCount(D, rows[i].PosteriorMean, $"row {i}");
            Assert.HasCount(D * D, rows[i].PosteriorCovariance, $"row {i}");
            Assert.AreEqual(i == BadRow, rows[i].PosteriorMean.All(double.IsNaN), $"row {i}");
        }
        StringAssert.StartsWith(rows[BadRow].Error, $"row {BadRow}: X: expected N*d = 40*4 = 160 values");
        Assert.AreEqual("", rows[0].Error);
    }

    [TestMethod]
    public void APriorVectorThatDisagreesNamesItsColumnWithOrWithoutTheOption()
    {
        var ml = new MLContext(seed: 1);
        var rows = Table(withBadRow: false);
        rows[1].PriorLoc = [0f, 0f, 0f];
        var data = ml.Data.LoadFromEnumerable(rows);
        var fixedD = ml.Transforms.AfinPosterior(new AfinPosteriorOptions { ModelPath = TestModel.Path, Dimension = D }).Fit(data);
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => Support.Column(fixedD.Transform(data), "PosteriorMean"));
        Assert.AreEqual("AfinPosterior: row 1: PriorLoc: expected 1 or d = 4 values (d = 4, the Dimension option), got 3", error.Message);

        var inferred = ml.Transforms.AfinPosterior(TestModel.Path).Fit(data);
        error = Assert.ThrowsExactly<InvalidOperationException>(() => Support.Column(inferred.Transform(data), "PosteriorMean"));
        Assert.AreEqual("AfinPosterior: row 1: PriorLoc: expected 1 or d = 4 values (d = 4 from X: 160 values for N = 40 sites), got 3", error.Message);
    }

    [TestMethod]
    public void ACorrectTableGivesTheInferredOutputsInFixedSizeColumns()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Table(withBadRow: false));
        var model = Support.LoadTestModel();
        var estimator = ml.Transforms.AfinPosterior(new AfinPosteriorOptions { Model = model, Dimension = D, SampleCount = 2 });
        var shape = estimator.GetOutputSchema(MLNetInternalAccess.Shape(data.Schema));
        Assert.AreEqual(SchemaShape.Column.VectorKind.Vector, shape.Single(c => c.Name == "PosteriorMean").Kind);
        var transformer = estimator.Fit(data);
        var output = transformer.Transform(data);
        Assert.AreEqual(D, ((VectorDataViewType)output.Schema["PosteriorMean"].Type).Size);
        Assert.AreEqual(D, ((VectorDataViewType)output.Schema["PosteriorStdDev"].Type).Size);
        Assert.AreEqual(D * D, ((VectorDataViewType)output.Schema["PosteriorCovariance"].Type).Size);
        Assert.AreEqual(2 * D, ((VectorDataViewType)output.Schema["PosteriorSamples"].Type).Size);

        var unfixed = ml.Transforms.AfinPosterior(new AfinPosteriorOptions { Model = model, SampleCount = 2 }).Fit(data);
        var expected = unfixed.Transform(data);
        Assert.IsFalse(((VectorDataViewType)expected.Schema["PosteriorMean"].Type).IsKnownSize, "without the option d may differ between rows");
        Support.AssertSameOutputs(expected, output, 1e-9);

        using var engine = ml.Model.CreatePredictionEngine<ProblemRow, PosteriorOutput>(transformer);
        Support.AssertClose(Support.Column(expected, "PosteriorMean")[0], engine.Predict(Table(withBadRow: false)[0]).PosteriorMean, 1e-6, "engine mean");
    }

    [TestMethod]
    public void ADimensionBelowOneIsRejected()
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => new MLContext().Transforms.AfinPosterior(new AfinPosteriorOptions { Dimension = 0 }));
        StringAssert.Contains(error.Message, "Dimension: expected null (d inferred per row) or >= 1, got 0");
    }

    /// <summary>The outputs read in one pass, with the error column of the Flag policy.</summary>
    private sealed class FlaggedOutput
    {
        public double[] PosteriorMean { get; set; } = [];

        public double[] PosteriorCovariance { get; set; } = [];

        public string Error { get; set; } = "";
    }
}
