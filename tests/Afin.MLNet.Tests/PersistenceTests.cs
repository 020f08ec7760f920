using System.Text.Json;
using Afin.MLNet.LoadCheck;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Afin.MLNet.Tests;

[TestClass]
public sealed class PersistenceTests
{
    /// <summary>Fixed sizes (d = 2, N = 4) so that NormalizeMeanVariance can precede AfinPosterior; families from the defaults.</summary>
    private sealed class FixedRow
    {
        [VectorType(2)]
        public float[] PriorLoc { get; set; } = [0f, 0f];

        [VectorType(1)]
        public float[] PriorScale { get; set; } = [1f];

        [VectorType(8)]
        public float[] X { get; set; } = [];

        [VectorType(4)]
        public float[] Y { get; set; } = [];

        [VectorType(1)]
        public float[] NoiseScale { get; set; } = [0.5f];
    }

    [TestMethod]
    public void SaveAndLoadInProcessGivesEqualOutputs()
    {
        var ml = new MLContext(seed: 1);
        var rows = ProblemRow.Generate(9, 21);
        var data = ml.Data.LoadFromEnumerable(rows);
        var transformer = ml.Transforms.AfinPosterior(new AfinPosteriorOptions { ModelPath = TestModel.Path, SampleCount = 3, SampleSeed = 5 }).Fit(data);
        string zip = TestModel.TempPath(".zip");
        ml.Model.Save(transformer, data.Schema, zip);

        var fresh = new MLContext(seed: 2);
        var loaded = fresh.Model.Load(zip, out var schema);
        Assert.IsInstanceOfType<AfinPosteriorTransformer>(loaded);
        Assert.AreEqual(3, ((AfinPosteriorTransformer)loaded).Options.SampleCount);
        Assert.IsNotNull(schema.GetColumnOrNull("PriorLoc"));
        var expected = transformer.Transform(data);
        var actual = loaded.Transform(fresh.Data.LoadFromEnumerable(rows));
        Support.AssertSameOutputs(expected, actual, 1e-6);
        var e = Support.Column(expected, "PosteriorSamples");
        var a = Support.Column(actual, "PosteriorSamples");
        for (int i = 0; i < e.Length; i++)
        {
            Support.AssertClose(e[i], a[i], 1e-6, $"samples {i}");
        }
        File.Delete(zip);
    }

    [TestMethod]
    public void DimensionOptionSurvivesTheZip()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(DimensionOptionTests.Table(withBadRow: true));
        var transformer = ml.Transforms.AfinPosterior(new AfinPosteriorOptions { ModelPath = TestModel.Path, Dimension = 4 }).Fit(data);
        string zip = TestModel.TempPath(".zip");
        ml.Model.Save(transformer, data.Schema, zip);

        var fresh = new MLContext(seed: 2);
        var loaded = fresh.Model.Load(zip, out _);
        File.Delete(zip);
        Assert.AreEqual(4, ((AfinPosteriorTransformer)loaded).Options.Dimension);
        var output = loaded.Transform(fresh.Data.LoadFromEnumerable(DimensionOptionTests.Table(withBadRow: true)));
        Assert.AreEqual(4, ((VectorDataViewType)output.Schema["PosteriorMean"].Type).Size);
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => Support.Column(output, "PosteriorMean"));
        StringAssert.StartsWith(error.Message, "AfinPosterior: row 2: X: expected N*d = 40*4 = 160 values");
    }

    [TestMethod]
    public void PipelineAfterNormalizeMeanVarianceSavesAndLoads()
    {
        var ml = new MLContext(seed: 1);
        var random = new Random(3);
        var rows = Enumerable.Range(0, 10).Select(_ => new FixedRow
        {
            X = Enumerable.Range(0, 8).Select(_ => (float)random.NextDouble() * 4 - 2).ToArray(),
            Y = Enumerable.Range(0, 4).Select(_ => (float)random.NextDouble() * 10 + 3).ToArray(),
        }).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows);
        var pipeline = ml.Transforms.NormalizeMeanVariance("Y")
            .Append(ml.Transforms.Concatenate("X", "X"))
            .Append(ml.Transforms.AfinPosterior(TestModel.Path));
        var model = pipeline.Fit(data);
        string zip = TestModel.TempPath(".zip");
        ml.Model.Save(model, data.Schema, zip);
        var fresh = new MLContext(seed: 2);
        var loaded = fresh.Model.Load(zip, out _);
        var expected = model.Transform(data);
        Support.AssertSameOutputs(expected, loaded.Transform(fresh.Data.LoadFromEnumerable(rows)), 1e-6);
        Assert.IsTrue(Support.Column(expected, "PosteriorMean").All(m => m.Length == 2));
        File.Delete(zip);
    }

    [TestMethod]
    public void LoadInFreshProcessGivesEqualOutputs()
    {
        var ml = new MLContext(seed: 1);
        var rows = ProblemRow.Generate(10, 33);
        var data = ml.Data.LoadFromEnumerable(rows);
        // A chain, so that the fresh process also loads AfinPosterior as a member of a TransformerChain.
        var model = ml.Transforms.Concatenate("Y", "Y").Append(ml.Transforms.AfinPosterior(TestModel.Path)).Fit(data);
        string zip = TestModel.TempPath(".zip");
        string input = TestModel.TempPath(".json");
        string output = TestModel.TempPath(".json");
        ml.Model.Save(model, data.Schema, zip);
        File.WriteAllText(input, JsonSerializer.Serialize(rows));

        RunLoadCheck(zip, input, output);
        var result = JsonSerializer.Deserialize<Dictionary<string, double[][]>>(File.ReadAllText(output))!;
        var expected = model.Transform(data);
        foreach (var name in new[] { "PosteriorMean", "PosteriorStdDev", "PosteriorCovariance" })
        {
            var e = Support.Column(expected, name);
            for (int i = 0; i < e.Length; i++)
            {
                Support.AssertClose(e[i], result[name][i], 1e-6, $"{name} row {i}");
            }
        }
        File.Delete(zip);
        File.Delete(input);
        File.Delete(output);
    }

    /// <summary>Runs the load-check app in a fresh process on a zip and a rows file; extra arguments select its mode.</summary>
    internal static void RunLoadCheck(params string[] arguments)
    {
        var (exitCode, output, error) = CheckApps.Run(CheckApps.Path("Afin.MLNet.LoadCheck"), arguments);
        Assert.AreEqual(0, exitCode, output + error);
    }
}
