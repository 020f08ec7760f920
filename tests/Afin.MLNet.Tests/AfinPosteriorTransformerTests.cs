using Afin.Inference;
using System.Collections.Concurrent;
using Afin.MLNet.LoadCheck;
using Afin.MLNet.Persistence;
using Afin.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Afin.MLNet.Tests;

[TestClass]
public sealed class AfinPosteriorTransformerTests
{
    private sealed class WrongTypeRow
    {
        public string PriorLoc { get; set; } = "0";

        [Microsoft.ML.Data.VectorType]
        public float[] Y { get; set; } = [1f];
    }

    private sealed class NoLocRow
    {
        [Microsoft.ML.Data.VectorType]
        public float[] Y { get; set; } = [1f];
    }

    private sealed class SyncProgress : IProgress<TrainingProgress>
    {
        public List<TrainingProgress> Reports { get; } = [];

        public void Report(TrainingProgress value) => Reports.Add(value);
    }

    [TestMethod]
    public void WrongColumnTypeIsReportedBeforeDataFlows()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new WrongTypeRow() });
        var estimator = ml.Transforms.AfinPosterior(TestModel.Path);
        var shapeError = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(MLNetInternalAccess.Shape(data.Schema)));
        StringAssert.Contains(shapeError.Message, "'PriorLoc'");
        var fitError = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => estimator.Fit(data));
        StringAssert.Contains(fitError.Message, "'PriorLoc'");
        StringAssert.Contains(fitError.Message, "Single or Double");

        var transformer = estimator.Fit(ml.Data.LoadFromEnumerable(ProblemRow.Generate(2, 1)));
        var transformError = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => transformer.Transform(data));
        StringAssert.Contains(transformError.Message, "'PriorLoc'");
        var missing = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => transformer.GetOutputSchema(ml.Data.LoadFromEnumerable(new[] { new NoLocRow() }).Schema));
        StringAssert.Contains(missing.Message, "'PriorLoc'");
    }

    [TestMethod]
    public void OutputSchemaListsPosteriorColumns()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(ProblemRow.Generate(2, 1));
        var estimator = ml.Transforms.AfinPosterior(new AfinPosteriorOptions { ModelPath = TestModel.Path, SampleCount = 5, FailurePolicy = AfinFailurePolicy.Flag });
        var shape = estimator.GetOutputSchema(MLNetInternalAccess.Shape(data.Schema));
        foreach (var name in new[] { "PosteriorMean", "PosteriorStdDev", "PosteriorCovariance", "PosteriorSamples", "Error" })
        {
            Assert.IsTrue(shape.Any(c => c.Name == name), name);
        }
        var transformer = estimator.Fit(data);
        var schema = transformer.GetOutputSchema(data.Schema);
        Assert.IsNotNull(schema.GetColumnOrNull("PosteriorSamples"));
        Assert.IsNotNull(schema.GetColumnOrNull("Error"));
    }

    [TestMethod]
    public void OutputsEqualDirectInference()
    {
        var ml = new MLContext(seed: 1);
        var rows = ProblemRow.Generate(12, 7);
        var model = Support.LoadTestModel();
        var transformer = ml.Transforms.AfinPosterior(new AfinPosteriorOptions { Model = model, SampleCount = 4, SampleSeed = 100, Mode = InferenceMode.Amortized })
            .Fit(ml.Data.LoadFromEnumerable(rows));
        var output = transformer.Transform(ml.Data.LoadFromEnumerable(rows));
        var means = Support.Column(output, "PosteriorMean");
        var stds = Support.Column(output, "PosteriorStdDev");
        var covs = Support.Column(output, "PosteriorCovariance");
        var samples = Support.Column(output, "PosteriorSamples");
        var posteriors = model.Infer(rows.Select(Support.Problem).ToArray());
        for (int i = 0; i < rows.Length; i++)
        {
            Support.AssertClose(posteriors[i].Mean, means[i], 1e-6, $"mean {i}");
            Support.AssertClose(Support.Flatten(posteriors[i].Covariance), covs[i], 1e-6, $"covariance {i}");
            Support.AssertClose(Enumerable.Range(0, posteriors[i].Dimension).Select(j => Math.Sqrt(posteriors[i].Covariance[j, j])).ToArray(), stds[i], 1e-6, $"std {i}");
            Support.AssertClose(Support.Flatten(posteriors[i].Sample(4, 100 + i)), samples[i], 1e-6, $"samples {i}");
        }
    }

    [TestMethod]
    public void CorrectedModeAddsDiagnosticColumnsEqualToTheLibrarysAndSurvivesSaving()
    {
        var ml = new MLContext(seed: 1);
        var rows = ProblemRow.Generate(5, 13);
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = Support.LoadTestModel();
        var options = new AfinPosteriorOptions { ModelPath = TestModel.Path, Mode = InferenceMode.Corrected, ProposalDraws = 400, SampleSeed = 7 };
        var transformer = ml.Transforms.AfinPosterior(options).Fit(data);
        var output = transformer.Transform(data);
        var means = Support.Column(output, "PosteriorMean");
        var paretoK = output.GetColumn<double>("ParetoK").ToArray();
        var ess = output.GetColumn<double>("EffectiveSampleSize").ToArray();
        var methods = output.GetColumn<string>("InferenceMethod").ToArray();
        for (int i = 0; i < rows.Length; i++)
        {
            // Row i is the library's Corrected-mode answer with seed SampleSeed + i.
            var expected = AfinInference.Run(model, Support.Problem(rows[i], i), InferenceMode.Corrected, new AutoInferenceOptions { ProposalDraws = 400, Seed = 7 + i });
            // Conjugate rows are answered exactly (no weights: NaN diagnostics), the others by importance sampling.
            Assert.AreEqual(expected.Method.ToString(), methods[i], $"row {i}");
            Support.AssertSame(expected.ParetoK, paretoK[i], 1e-9, $"k-hat {i}");
            Support.AssertSame(expected.EffectiveSampleSize, ess[i], 1e-6, $"ESS {i}");
            Support.AssertClose(expected.Mean, means[i], 1e-6, $"mean {i}");
        }

        string zip = TestModel.TempPath(".zip");
        ml.Model.Save(transformer, data.Schema, zip);
        var loaded = new MLContext(seed: 2).Model.Load(zip, out _);
        Assert.AreEqual(InferenceMode.Corrected, ((AfinPosteriorTransformer)loaded).Options.Mode);
        CollectionAssert.AreEqual(paretoK, loaded.Transform(data).GetColumn<double>("ParetoK").ToArray());
        File.Delete(zip);

        var amortized = ml.Transforms.AfinPosterior(new AfinPosteriorOptions { ModelPath = TestModel.Path, Mode = InferenceMode.Amortized })
            .GetOutputSchema(MLNetInternalAccess.Shape(data.Schema));
        Assert.IsFalse(amortized.Any(c => c.Name == "ParetoK"), "Amortized mode keeps the schema it always had");
        var auto = ml.Transforms.AfinPosterior(TestModel.Path).GetOutputSchema(MLNetInternalAccess.Shape(data.Schema));
        Assert.IsTrue(auto.Any(c => c.Name == "InferenceMethod"), "the default mode, Auto, says which method answered each row");
    }

    [TestMethod]
    public void BatchingDoesNotChangeOutputsAndPassThroughColumnsSurvive()
    {
        var ml = new MLContext(seed: 1);
        var rows = ProblemRow.Generate(11, 3);
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = Support.LoadTestModel();
        var big = ml.Transforms.AfinPosterior(new AfinPosteriorOptions { Model = model }).Fit(data);
        var small = ml.Transforms.AfinPosterior(new AfinPosteriorOptions { Model = model, BatchSize = 3 }).Fit(data);
        var smallOutput = small.Transform(data);
        Support.AssertSameOutputs(big.Transform(data), smallOutput, 1e-5);
        var ys = smallOutput.GetColumn<float[]>("Y").ToArray();
        var families = smallOutput.GetColumn<string>("PriorFamily").ToArray();
        for (int i = 0; i < rows.Length; i++)
        {
            CollectionAssert.AreEqual(rows[i].Y, ys[i]);
            Assert.AreEqual("gaussian", families[i]);
        }
    }

    [TestMethod]
    public void ThrowPolicyNamesTheRow()
    {
        var ml = new MLContext(seed: 1);
        var rows = ProblemRow.Generate(5, 2);
        rows[3].X = [1f, 2f, 3f, 4f, 5f, 6f, 7f];
        rows[3].Y = [1f, 2f];
        rows[3].LikelihoodFamily = ["linear_gaussian"];
        var data = ml.Data.LoadFromEnumerable(rows);
        var transformer = ml.Transforms.AfinPosterior(TestModel.Path).Fit(data);
        var output = transformer.Transform(data);
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => Support.Column(output, "PosteriorMean"));
        StringAssert.Contains(error.Message, "row 3");
        StringAssert.Contains(error.Message, "X");
    }

    [TestMethod]
    public void FlagPolicyGivesNaNAndError()
    {
        var ml = new MLContext(seed: 1);
        var rows = ProblemRow.Generate(5, 2);
        rows[2].PriorFamily = "cauchy";
        var data = ml.Data.LoadFromEnumerable(rows);
        var transformer = ml.Transforms.AfinPosterior(TestModel.Path, failurePolicy: AfinFailurePolicy.Flag).Fit(data);
        var output = transformer.Transform(data);
        var means = Support.Column(output, "PosteriorMean");
        var errors = output.GetColumn<string>("Error").ToArray();
        for (int i = 0; i < rows.Length; i++)
        {
            if (i == 2)
            {
                Assert.IsTrue(means[i].Length > 0 && means[i].All(double.IsNaN));
                StringAssert.Contains(errors[i], "row 2");
                StringAssert.Contains(errors[i], "cauchy");
            }
            else
            {
                Assert.AreEqual("", errors[i]);
                Assert.IsTrue(means[i].All(double.IsFinite));
            }
        }
    }

    [TestMethod]
    public void PredictionEngineOnTypedClass()
    {
        var ml = new MLContext(seed: 1);
        var rows = ProblemRow.Generate(6, 5);
        var model = Support.LoadTestModel();
        var transformer = ml.Transforms.AfinPosterior(new AfinPosteriorOptions { Model = model, Mode = InferenceMode.Amortized }).Fit(ml.Data.LoadFromEnumerable(rows));
        using var engine = ml.Model.CreatePredictionEngine<ProblemRow, PosteriorOutput>(transformer);
        for (int i = 0; i < rows.Length; i++)
        {
            var prediction = engine.Predict(rows[i]);
            var expected = model.Infer(Support.Problem(rows[i], i));
            Support.AssertClose(expected.Mean, prediction.PosteriorMean, 1e-5, $"mean {i}");
            Support.AssertClose(Support.Flatten(expected.Covariance), prediction.PosteriorCovariance, 1e-5, $"covariance {i}");
        }
    }

    [TestMethod]
    public void FitWithFineTuneStepsChangesTheModelAndReportsProgress()
    {
        var ml = new MLContext(seed: 1);
        var log = new ConcurrentQueue<string>();
        ml.Log += (_, e) => log.Enqueue(e.Message);
        var rows = ProblemRow.Generate(8, 4);
        var progress = new SyncProgress();
        var estimator = ml.Transforms.AfinPosterior(new AfinPosteriorOptions
        {
            ModelPath = TestModel.Path, FineTuneSteps = 2, FineTuneBatchSize = 4, FineTuneTemplate = TestModel.Training(2), Progress = progress,
        });
        var transformer = estimator.Fit(ml.Data.LoadFromEnumerable(rows));
        var original = Support.LoadTestModel();
        CollectionAssert.AreNotEqual(TestModel.Weights(original), TestModel.Weights(transformer.Model!));
        Assert.IsNotEmpty(progress.Reports);
        Assert.AreEqual(2, progress.Reports[^1].Step);
        Assert.IsTrue(log.Any(m => m.Contains("AfinPosterior: fine-tuning")), string.Join("\n", log));
        // Held-out accuracy before (step 0) and after (the last step), in the callback, the log and the report.
        var measured = progress.Reports.Where(r => r.HeldOut is not null).ToArray();
        Assert.HasCount(2, measured);
        Assert.AreEqual(0, measured[0].Step);
        Assert.AreEqual(2, measured[1].Step);
        var report = estimator.LastFineTuneReport!;
        Assert.AreEqual(8, report.Problems);
        Assert.AreEqual(64, report.Before!.Tasks);
        Assert.AreEqual(measured[1].HeldOut, report.After);
        Assert.IsTrue(log.Any(m => m.Contains("before fine-tuning, on 64 held-out tasks")), string.Join("\n", log));
        Assert.IsTrue(log.Any(m => m.Contains("after fine-tuning")), string.Join("\n", log));
        var tasks = estimator.LastFineTuneTasks!;
        Assert.AreEqual(1, tasks.MinDimension);
        Assert.AreEqual(3, tasks.MaxDimension);
        CollectionAssert.AreEquivalent(new[] { "linear_gaussian", "bernoulli_logit", "direct_gaussian" }, tasks.LikelihoodFamilies.ToArray());
        CollectionAssert.AreEqual(new[] { "gaussian" }, tasks.PriorFamilies.ToArray());
    }

    [TestMethod]
    public void ConcurrentCursorsGiveTheSequentialResults()
    {
        var ml = new MLContext(seed: 1);
        var rows = ProblemRow.Generate(16, 9);
        var data = ml.Data.LoadFromEnumerable(rows);
        var transformer = ml.Transforms.AfinPosterior(new AfinPosteriorOptions { ModelPath = TestModel.Path, BatchSize = 5 }).Fit(data);
        var sequential = Support.Column(transformer.Transform(data), "PosteriorMean");
        var results = new double[4][][];
        Parallel.For(0, results.Length, k => results[k] = Support.Column(transformer.Transform(data), "PosteriorMean"));
        foreach (var result in results)
        {
            for (int i = 0; i < rows.Length; i++)
            {
                CollectionAssert.AreEqual(sequential[i], result[i]);
            }
        }
    }
}
