using Afin.MLNet.LoadCheck;
using Afin.MLNet.Simulation;
using Afin.Simulation;
using Afin.Simulation.Estimators;
using Afin.Simulation.Simulators;
using Afin.Simulation.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Afin.MLNet.Tests;

[TestClass]
public sealed class SimulationPosteriorTransformerTests
{
    private static readonly NormalPrior Prior = new(0.0, 1.0);
    private static readonly GaussianMeanSimulator Simulator = new(observations: 6);
    private static readonly SimulationTrainingOptions Quick = new() { TrainingSimulations = 600, ValidationSimulations = 100, Epochs = 2, BatchSize = 32, Seed = 4 };
    private static NeuralPosteriorEstimator? _npe;

    /// <summary>A tiny NPE (two epochs): these tests check the plumbing, and the estimator tests in Afin.Tests check accuracy.</summary>
    private static NeuralPosteriorEstimator Npe => _npe ??= NeuralPosteriorEstimator.Train(Prior, Simulator,
        new NeuralPosteriorEstimatorOptions { Summary = new SummaryNetworkOptions { Width = 16, OutputDimension = 4 }, HeadWidth = 16, FlowLayers = 1, Samples = 64 }, Quick);

    private static DataSetRow[] Rows(int count, int seed)
    {
        var set = SimulationSet.Simulate(Prior, Simulator, count, seed);
        return Enumerable.Range(0, count).Select(i => new DataSetRow { Data = set.DataOf(i).ToArray() }).ToArray();
    }

    [TestMethod]
    public void TransformGivesTheEstimatorsAnswerPerRowWhateverTheBatch()
    {
        var ml = new MLContext(seed: 1);
        var rows = Rows(7, 3);
        var data = ml.Data.LoadFromEnumerable(rows);
        using var transformer = ml.Transforms.SimulationPosterior(new SimulationPosteriorOptions { Estimator = Npe, IncludeSamples = true, Seed = 9, BatchSize = 3 }).Fit(data);
        var output = transformer.Transform(data);
        var medians = output.GetColumn<double[]>("Median").ToArray();
        var samples = output.GetColumn<double[]>("Samples").ToArray();
        var expected = Npe.Summarise(rows.Select(r => r.Data).ToArray(), 9, Enumerable.Range(0, rows.Length).Select(i => (long)i).ToArray());
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.AreEqual(expected[i].Median[0], medians[i][0], 1e-5, $"row {i}");
            Assert.AreEqual(64, samples[i].Length);
        }
        var engine = ml.Model.CreatePredictionEngine<DataSetRow, Prediction>(transformer);
        Assert.AreEqual(expected[5].Median[0], engine.Predict(rows[5]).Median[0], 0.3, "PredictionEngine sees the row as row 0 of its own stream");
    }

    private sealed class Prediction
    {
        public double[] Median { get; set; } = [];

        public double[] Lower { get; set; } = [];

        public double[] Upper { get; set; } = [];
    }

    [TestMethod]
    public void SavesAndLoadsInAPipelineWithEqualOutputs()
    {
        var ml = new MLContext(seed: 1);
        var rows = Rows(5, 8);
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.Transforms.Concatenate("Data", "Data").Append(ml.Transforms.SimulationPosterior(new SimulationPosteriorOptions { Estimator = Npe, Seed = 2 })).Fit(data);
        string zip = Path.Combine(Path.GetTempPath(), $"afin-sbi-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, data.Schema, zip);
            var fresh = new MLContext(seed: 5);
            var loaded = fresh.Model.Load(zip, out _);
            var expected = model.Transform(data);
            var actual = loaded.Transform(fresh.Data.LoadFromEnumerable(rows));
            foreach (var column in new[] { "Mean", "Median", "Lower", "Upper" })
            {
                var e = expected.GetColumn<double[]>(column).ToArray();
                var a = actual.GetColumn<double[]>(column).ToArray();
                for (int i = 0; i < e.Length; i++)
                {
                    Assert.AreEqual(e[i][0], a[i][0], 1e-6, $"{column} row {i}");
                }
            }
            (loaded as IDisposable)?.Dispose();
        }
        finally
        {
            File.Delete(zip);
        }
    }

    [TestMethod]
    public void LoadsInAFreshProcessWithEqualOutputs()
    {
        var ml = new MLContext(seed: 1);
        var rows = Rows(6, 12);
        var data = ml.Data.LoadFromEnumerable(rows);
        using var transformer = ml.Transforms.SimulationPosterior(new SimulationPosteriorOptions { Estimator = Npe, Seed = 4 }).Fit(data);
        string zip = Path.Combine(Path.GetTempPath(), $"afin-sbi-{Guid.NewGuid():N}.zip");
        string input = Path.ChangeExtension(zip, ".rows.json");
        string output = Path.ChangeExtension(zip, ".out.json");
        try
        {
            ml.Model.Save(transformer, data.Schema, zip);
            File.WriteAllText(input, System.Text.Json.JsonSerializer.Serialize(rows));
            PersistenceTests.RunLoadCheck(zip, input, output, "simulation");
            var result = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, double[][]>>(File.ReadAllText(output))!;
            var expected = transformer.Transform(data);
            foreach (var column in new[] { "Mean", "Median", "Lower", "Upper" })
            {
                var e = expected.GetColumn<double[]>(column).ToArray();
                for (int i = 0; i < e.Length; i++)
                {
                    Assert.AreEqual(e[i][0], result[column][i][0], 1e-6, $"{column} row {i}");
                }
            }
        }
        finally
        {
            File.Delete(zip);
            File.Delete(input);
            File.Delete(output);
        }
    }

    private sealed class LooseRow
    {
        public float[] Data { get; set; } = [];
    }

    [TestMethod]
    public void BadRowsAreNamedOrFlagged()
    {
        var ml = new MLContext(seed: 1);
        var rows = new[] { new LooseRow { Data = new float[6] }, new LooseRow { Data = new float[5] }, new LooseRow { Data = [0, 1, float.NaN, 0, 0, 0] } };
        var data = ml.Data.LoadFromEnumerable(rows);
        using var strict = ml.Transforms.SimulationPosterior(new SimulationPosteriorOptions { Estimator = Npe }).Fit(data);
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => strict.Transform(data).GetColumn<double[]>("Median").ToArray());
        StringAssert.Contains(error.Message, "row 1: the data set has 5 values; expected 6");
        using var lenient = ml.Transforms.SimulationPosterior(new SimulationPosteriorOptions { Estimator = Npe, FailurePolicy = AfinFailurePolicy.Flag }).Fit(data);
        var output = lenient.Transform(data);
        var errors = output.GetColumn<string>("Error").ToArray();
        var medians = output.GetColumn<double[]>("Median").ToArray();
        Assert.AreEqual("", errors[0]);
        Assert.IsTrue(double.IsFinite(medians[0][0]));
        StringAssert.Contains(errors[2], "row 2: data[2] is NaN");
        Assert.IsTrue(double.IsNaN(medians[2][0]));
    }

    [TestMethod]
    public void SchemaErrorsNameTheColumn()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows(2, 1));
        var missing = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            ml.Transforms.SimulationPosterior(new SimulationPosteriorOptions { Estimator = Npe, InputColumnName = "Field" }).Fit(data));
        StringAssert.Contains(missing.Message, "input column 'Field' not found");
        var wrongLength = ml.Data.LoadFromEnumerable(new[] { new WideRow() });
        var mismatch = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Transforms.SimulationPosterior(new SimulationPosteriorOptions { Estimator = Npe }).Fit(wrongLength));
        StringAssert.Contains(mismatch.Message, "holds 7 values per row; the estimator reads 6");
    }

    private sealed class WideRow
    {
        [VectorType(7)]
        public float[] Data { get; set; } = new float[7];
    }

    [TestMethod]
    public void FitTrainsFromAPriorAndSimulatorAndReportsProgress()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows(3, 2));
        var epochs = new List<int>();
        using var transformer = ml.Transforms.SimulationPosterior(new SimulationPosteriorOptions
        {
            Method = EstimatorKind.NeuralBayes, Prior = Prior, Simulator = Simulator, Training = Quick, Progress = new Reporter(p => epochs.Add(p.Epoch)),
        }).Fit(data);
        Assert.AreEqual(EstimatorKind.NeuralBayes, transformer.Estimator.Kind);
        CollectionAssert.AreEqual(new[] { 1, 2 }, epochs.ToArray());
        var lower = transformer.Transform(data).GetColumn<double[]>("Lower").ToArray();
        var upper = transformer.Transform(data).GetColumn<double[]>("Upper").ToArray();
        Assert.IsTrue(lower.Zip(upper).All(p => p.First[0] < p.Second[0]));
    }

    private sealed class Reporter(Action<SimulationTrainingProgress> report) : IProgress<SimulationTrainingProgress>
    {
        public void Report(SimulationTrainingProgress value) => report(value);
    }
}
