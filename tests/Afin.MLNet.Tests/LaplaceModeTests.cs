using System.IO.Compression;
using Afin.Inference;
using Afin.MLNet.LoadCheck;
using Afin.References;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Afin.MLNet.Tests;

/// <summary><see cref="AfinPosteriorOptions.Mode"/> = Laplace: every row's Laplace approximation, with no network loaded, bound or saved.</summary>
[TestClass]
public sealed class LaplaceModeTests
{
    /// <summary>A model file that does not exist: Fit and Load would fail if Laplace mode touched it.</summary>
    private static readonly AfinPosteriorOptions Laplace = new()
    {
        Mode = InferenceMode.Laplace, ModelPath = "no-such-model.afin", SampleCount = 3, SampleSeed = 11,
    };

    [TestMethod]
    public void ConjugateRowsGetTheExactPosteriorWithoutAModel()
    {
        var ml = new MLContext(seed: 1);
        // Rows 0, 2, 4, ... of the generator are linear or direct Gaussian under a Gaussian prior: conjugate.
        var rows = ProblemRow.Generate(12, 31).Where((_, i) => i % 2 == 0).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows);
        var transformer = ml.Transforms.AfinPosterior(Laplace).Fit(data);
        Assert.IsNull(transformer.Model);
        var output = transformer.Transform(data);
        var means = Support.Column(output, "PosteriorMean");
        var stds = Support.Column(output, "PosteriorStdDev");
        var covariances = Support.Column(output, "PosteriorCovariance");
        var methods = output.GetColumn<string>("InferenceMethod").ToArray();
        var paretoK = output.GetColumn<double>("ParetoK").ToArray();
        for (int i = 0; i < rows.Length; i++)
        {
            var problem = Support.Problem(rows[i], 2 * i);
            Assert.IsTrue(problem.IsConjugate, $"row {i}");
            var exact = ExactPosterior.Compute(problem);
            Support.AssertClose(exact.Mean, means[i], 1e-9, $"mean {i}");
            Support.AssertClose(exact.StdDev, stds[i], 1e-9, $"std {i}");
            Support.AssertClose(Support.Flatten(exact.Covariance), covariances[i], 1e-9, $"covariance {i}");
            Assert.AreEqual("Laplace", methods[i]);
            Assert.IsTrue(double.IsNaN(paretoK[i]), "Laplace mode computes no importance weights");
        }
    }

    [TestMethod]
    public void DrawsAreTheLibrarysWithTheRowSeedAndPredictionEngineAgrees()
    {
        var ml = new MLContext(seed: 1);
        var rows = ProblemRow.Generate(8, 32);
        var data = ml.Data.LoadFromEnumerable(rows);
        var transformer = ml.Transforms.AfinPosterior(Laplace with { BatchSize = 3 }).Fit(data);
        var samples = Support.Column(transformer.Transform(data), "PosteriorSamples");
        var means = Support.Column(transformer.Transform(data), "PosteriorMean");
        using var engine = ml.Model.CreatePredictionEngine<ProblemRow, PosteriorOutput>(transformer);
        for (int i = 0; i < rows.Length; i++)
        {
            var expected = AfinInference.RunLaplace(Support.Problem(rows[i], i));
            Support.AssertClose(Support.Flatten(expected.Sample(3, 11 + i)), samples[i], 1e-12, $"samples {i}");
            Support.AssertClose(expected.Mean, engine.Predict(rows[i]).PosteriorMean, 1e-12, $"prediction engine mean {i}");
            Support.AssertClose(expected.Mean, means[i], 1e-12, $"mean {i}");
        }
    }

    [TestMethod]
    public void SaveAndLoadKeepTheModeAndSaveNoModel()
    {
        var ml = new MLContext(seed: 1);
        var rows = ProblemRow.Generate(6, 33);
        var data = ml.Data.LoadFromEnumerable(rows);
        var transformer = ml.Transforms.AfinPosterior(Laplace).Fit(data);
        string zip = TestModel.TempPath(".zip");
        ml.Model.Save(transformer, data.Schema, zip);
        using (var archive = ZipFile.OpenRead(zip))
        {
            Assert.IsFalse(archive.Entries.Any(e => e.Name == Persistence.AfinTransformerSerializer.ModelStreamName), "Laplace mode saves no network");
        }

        var fresh = new MLContext(seed: 2);
        var loaded = (AfinPosteriorTransformer)fresh.Model.Load(zip, out _);
        Assert.AreEqual(InferenceMode.Laplace, loaded.Options.Mode);
        Assert.IsNull(loaded.Model);
        var expected = transformer.Transform(data);
        var actual = loaded.Transform(fresh.Data.LoadFromEnumerable(rows));
        Support.AssertSameOutputs(expected, actual, 0);
        CollectionAssert.AreEqual(expected.GetColumn<string>("InferenceMethod").ToArray(), actual.GetColumn<string>("InferenceMethod").ToArray());
        var e = Support.Column(expected, "PosteriorSamples");
        var a = Support.Column(actual, "PosteriorSamples");
        for (int i = 0; i < e.Length; i++)
        {
            Support.AssertClose(e[i], a[i], 0, $"samples {i}");
        }
        File.Delete(zip);
    }

    [TestMethod]
    public void FineTuningInLaplaceModeIsRefusedNamingTheOption()
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.AfinPosterior(Laplace with { FineTuneSteps = 5 }));
        StringAssert.Contains(e.Message, "FineTuneSteps");
        StringAssert.Contains(e.Message, "Laplace");
    }
}
