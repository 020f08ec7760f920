using Afin.Simulation;
using Afin.Simulation.Estimators;
using Afin.Simulation.Training;

namespace Afin.Tests.Simulation;

[TestClass]
public sealed class SimulationTrainerTests
{
    private static readonly NeuralBayesEstimatorOptions Small = new() { Summary = ConjugateToy.Summary, HeadWidth = 16 };

    private static SimulationTrainingOptions Short(string? checkpoint = null) =>
        ConjugateToy.Training(seed: 21, epochs: 4) with { TrainingSimulations = 800, ValidationSimulations = 200, Patience = 10, CheckpointPath = checkpoint };

    [TestMethod]
    public void ReportsProgressEveryEpochAndKeepsTheBestWeights()
    {
        var reports = new List<SimulationTrainingProgress>();
        using var estimator = NeuralBayesEstimator.Train(ConjugateToy.Prior, ConjugateToy.Simulator, Small, Short(), new SynchronousProgress(reports.Add));
        CollectionAssert.AreEqual(new[] { 1, 2, 3, 4 }, reports.Select(r => r.Epoch).ToArray());
        Assert.AreEqual(reports.Min(r => r.ValidationLoss), estimator.Training.BestValidationLoss, 1e-9);
        Assert.AreEqual(reports.MinBy(r => r.ValidationLoss)!.Epoch, estimator.Training.BestEpoch);
    }

    [TestMethod]
    public void EarlyStoppingEndsTrainingWhenValidationStopsImproving()
    {
        // A learning rate this large makes the validation loss wander, so a patience of one epoch ends the run early.
        using var estimator = NeuralBayesEstimator.Train(ConjugateToy.Prior, ConjugateToy.Simulator, Small,
            Short() with { Epochs = 60, Patience = 1, LearningRate = 0.05 });
        Assert.IsTrue(estimator.Training.StoppedEarly);
        Assert.IsLessThan(60, estimator.Training.Epochs);
        Assert.AreEqual(estimator.Training.Epochs - 1, estimator.Training.BestEpoch);
    }

    [TestMethod]
    public void CancelledTrainingResumesFromItsCheckpointToTheSameEstimator()
    {
        string checkpoint = Path.Combine(Path.GetTempPath(), $"afin-sbi-{Guid.NewGuid():N}.ckpt");
        try
        {
            using var cancel = new CancellationTokenSource();
            var progress = new SynchronousProgress(r => { if (r.Epoch == 2) { cancel.Cancel(); } });
            Assert.ThrowsExactly<OperationCanceledException>(() =>
                NeuralBayesEstimator.Train(ConjugateToy.Prior, ConjugateToy.Simulator, Small, Short(checkpoint), progress, cancel.Token));
            Assert.IsTrue(File.Exists(checkpoint));
            var epochs = new List<int>();
            using var resumed = NeuralBayesEstimator.Train(ConjugateToy.Prior, ConjugateToy.Simulator, Small, Short(checkpoint), new SynchronousProgress(r => epochs.Add(r.Epoch)));
            CollectionAssert.AreEqual(new[] { 3, 4 }, epochs.ToArray(), "only the remaining epochs run");
            using var straight = NeuralBayesEstimator.Train(ConjugateToy.Prior, ConjugateToy.Simulator, Small, Short());
            var data = ConjugateToy.TestSets(1).DataOf(0).ToArray();
            CollectionAssert.AreEqual(straight.Estimate(data).Quantiles[1], resumed.Estimate(data).Quantiles[1]);
        }
        finally
        {
            File.Delete(checkpoint);
        }
    }

    [TestMethod]
    public void SimulatingEachEpochTrainsOnFreshData()
    {
        using var fixedSet = NeuralBayesEstimator.Train(ConjugateToy.Prior, ConjugateToy.Simulator, Small, Short());
        using var fresh = NeuralBayesEstimator.Train(ConjugateToy.Prior, ConjugateToy.Simulator, Small, Short() with { SimulateEachEpoch = true });
        var data = ConjugateToy.TestSets(1).DataOf(0).ToArray();
        Assert.AreNotEqual(fixedSet.Estimate(data).Quantiles[1][0], fresh.Estimate(data).Quantiles[1][0]);
        Assert.AreEqual(fixedSet.Estimate(data).Quantiles[1][0], fresh.Estimate(data).Quantiles[1][0], 0.5, "both still estimate the same posterior");
    }

    [TestMethod]
    public void TrainsFromAStoredSimulationSet()
    {
        var training = SimulationSet.Simulate(ConjugateToy.Prior, ConjugateToy.Simulator, 800, seed: 1);
        var validation = SimulationSet.Simulate(ConjugateToy.Prior, ConjugateToy.Simulator, 200, seed: 2);
        using var estimator = NeuralBayesEstimator.Train(ConjugateToy.Prior, training, validation, Small, Short());
        Assert.AreEqual(800, estimator.Training.TrainingSimulations);
    }

    /// <summary>Calls back on the reporting thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    internal sealed class SynchronousProgress(Action<SimulationTrainingProgress> report) : IProgress<SimulationTrainingProgress>
    {
        public void Report(SimulationTrainingProgress value) => report(value);
    }
}
