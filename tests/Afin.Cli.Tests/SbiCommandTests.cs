using System.Text.Json.Nodes;
using Afin.Simulation.Estimators;

namespace Afin.Cli.Tests;

/// <summary>The simulation-based commands end to end on the conjugate simulator, with tiny training.</summary>
[TestClass]
public sealed class SbiCommandTests
{
    [TestMethod]
    public void SimulateTrainAndInferFromStoredSets()
    {
        string train = CliRunner.TempFile(".sims"), validation = CliRunner.TempFile(".sims"), model = CliRunner.TempFile(".afin"), data = CliRunner.TempFile(".json");
        try
        {
            Assert.AreEqual(0, CliRunner.Run("sbi", "simulate", "--simulator", "gaussian-mean", "--count", "600", "--seed", "1", "--out", train).ExitCode);
            Assert.AreEqual(0, CliRunner.Run("sbi", "simulate", "--simulator", "gaussian-mean", "--count", "100", "--seed", "2", "--out", validation).ExitCode);
            var (code, _, error) = CliRunner.Run("sbi", "train", "--method", "nre", "--simulator", "gaussian-mean", "--training-set", train, "--validation-set", validation, "--epochs", "2", "--out", model);
            Assert.AreEqual(0, code, error);
            StringAssert.Contains(error, "saved");
            using (var estimator = SimulationEstimator.Load(model))
            {
                Assert.AreEqual(EstimatorKind.NeuralRatio, estimator.Kind);
                Assert.AreEqual(2, estimator.Training.Epochs);
            }
            File.WriteAllText(data, "[[0.5, 0.4, 0.6, 0.5, 0.5, 0.3, 0.7, 0.5, 0.4, 0.6], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]]");
            (code, var output, error) = CliRunner.Run("sbi", "infer", "--model", model, "--data", data);
            Assert.AreEqual(0, code, error);
            var json = JsonNode.Parse(output)!;
            Assert.AreEqual("NeuralRatio", (string)json["method"]!);
            var posteriors = json["posteriors"]!.AsArray();
            Assert.AreEqual(2, posteriors.Count);
            double lower = (double)posteriors[0]!["lower"]![0]!, upper = (double)posteriors[0]!["upper"]![0]!, median = (double)posteriors[0]!["median"]![0]!;
            Assert.IsTrue(lower < median && median < upper, $"{lower} < {median} < {upper}");
        }
        finally
        {
            foreach (var file in new[] { train, validation, model, model + ".ckpt", data })
            {
                File.Delete(file);
            }
        }
    }

    [TestMethod]
    public void AnInterruptedTrainingResumesFromItsCheckpointAndACompletedOneLeavesNone()
    {
        string model = CliRunner.TempFile(".afin");
        string[] Train(int epochs) => ["sbi", "train", "--method", "nbe", "--simulator", "gaussian-mean", "--training-simulations", "300", "--validation-simulations", "50",
            "--epochs", epochs.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed", "4", "--out", model];
        try
        {
            // The state a Ctrl+C after epoch 1 leaves: the checkpoint of the same sets and settings the command uses.
            var prior = new Afin.Simulation.NormalPrior(0.0, 1.0);
            var simulator = new Afin.Simulation.Simulators.GaussianMeanSimulator(10);
            var training = Afin.Simulation.SimulationSet.Simulate(prior, simulator, 300, 4);
            var validation = Afin.Simulation.SimulationSet.Simulate(prior, simulator, 50, 4 + 1_000_003);
            using var cancel = new CancellationTokenSource();
            Assert.ThrowsExactly<OperationCanceledException>(() => NeuralBayesEstimator.Train(prior, training, validation, new NeuralBayesEstimatorOptions(),
                new Afin.Simulation.Training.SimulationTrainingOptions { Epochs = 3, Seed = 4, TrainingSimulations = 300, ValidationSimulations = 50, CheckpointPath = model + ".ckpt" },
                new Progress(cancel), cancel.Token));
            var (code, _, error) = CliRunner.Run(Train(3));
            Assert.AreEqual(0, code, error);
            StringAssert.Contains(error, "resuming from");
            using (var estimator = SimulationEstimator.Load(model))
            {
                Assert.AreEqual(3, estimator.Training.Epochs);
            }
            Assert.IsFalse(File.Exists(model + ".ckpt"), "a completed run removes its checkpoint");
        }
        finally
        {
            File.Delete(model);
            File.Delete(model + ".ckpt");
        }
    }

    /// <summary>Cancels after the first epoch's report.</summary>
    private sealed class Progress(CancellationTokenSource cancel) : IProgress<Afin.Simulation.Training.SimulationTrainingProgress>
    {
        public void Report(Afin.Simulation.Training.SimulationTrainingProgress value) => cancel.Cancel();
    }

    [TestMethod]
    public void BadDataIsInvalidInputNamingTheDataSet()
    {
        // The model goes into a folder that does not exist yet: training creates it before the first checkpoint.
        string folder = Path.Combine(Path.GetTempPath(), $"afin-test-{Guid.NewGuid():N}");
        string model = Path.Combine(folder, "nbe.afin"), data = CliRunner.TempFile(".json");
        try
        {
            Assert.AreEqual(0, CliRunner.Run("sbi", "train", "--method", "nbe", "--simulator", "gaussian-mean", "--training-simulations", "200",
                "--validation-simulations", "50", "--epochs", "1", "--out", model).ExitCode);
            File.WriteAllText(data, "[[0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [1, 2, 3]]");
            var (code, _, error) = CliRunner.Run("sbi", "infer", "--model", model, "--data", data);
            Assert.AreEqual(2, code);
            StringAssert.Contains(error, "data[1] has 3 values; expected 10");
            File.WriteAllText(data, "[0, 0, \"x\"]");
            (code, _, error) = CliRunner.Run("sbi", "infer", "--model", model, "--data", data);
            Assert.AreEqual(2, code);
            StringAssert.Contains(error, "data[2] is \"x\"; expected a number");
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
            File.Delete(data);
        }
    }

    [TestMethod]
    public void ReviewBenchmarkRunsEndToEndOnTinySettings()
    {
        var work = Directory.CreateTempSubdirectory("afin-review-");
        try
        {
            var (code, output, error) = CliRunner.Run("bench", "review", "--work-dir", work.FullName, "--training-simulations", "300", "--validation-simulations", "60",
                "--test-fields", "12", "--mcmc-fields", "3", "--mcmc-draws", "20", "--mcmc-thin", "1", "--epochs", "1", "--methods", "nbe", "nre", "--json", Path.Combine(work.FullName, "review.json"));
            Assert.AreEqual(0, code, error);
            StringAssert.Contains(output, "| MCMC |");
            StringAssert.Contains(output, "| Exact (quadrature) |");
            StringAssert.Contains(output, "| NBE |");
            StringAssert.Contains(output, "| NRE |");
            Assert.IsTrue(File.Exists(Path.Combine(work.FullName, "nbe.afin")), "trained estimators are kept for reuse");
            var json = JsonNode.Parse(File.ReadAllText(Path.Combine(work.FullName, "review.json")))!;
            Assert.AreEqual(4, json["rows"]!.AsArray().Count);
            Assert.AreEqual(300, (int)json["settings"]!["TrainingSimulations"]!);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
