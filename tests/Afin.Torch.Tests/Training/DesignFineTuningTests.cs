using Afin.Modelling;
using Afin.Training;

namespace Afin.Tests.Training;

[TestClass]
public sealed class DesignFineTuningTests
{
    private static readonly BayesianProblem Template = BayesianProblem.Create(new GaussianPrior([0.0, 0.0], [1.5, 1.5]),
        [new BernoulliLogitBlock(new double[,] { { 1, 0.5 }, { 1, -1.5 }, { 1, 2.5 }, { 1, 0 }, { 1, 1 } }, [0, 1, 1, 0, 1])], name: "group");

    [TestMethod]
    public void FineTuningDrawsEveryMicroBatchFromTheSource()
    {
        var model = new AfinTrainer(TinyTraining.Network, TinyTraining.Tasks, TinyTraining.Options(1)).Train();
        var source = new RecordingSource(new DesignTaskSource([Template]));
        using var tuner = AfinTrainer.FineTune(model, source, TinyTraining.Tasks, TinyTraining.Options(3));
        tuner.Train();
        Assert.AreEqual(3 * TinyTraining.Options(3).MicroBatches, source.Calls.Count);
        Assert.IsTrue(source.Calls.All(c => c.Count == TinyTraining.Options(3).BatchSize));
        Assert.AreEqual(source.Calls.Count, source.Calls.Select(c => c.Seed).Distinct().Count(), "every micro-batch gets its own seed");
    }

    [TestMethod]
    public void ARunOnASourceRefusesCheckpoints()
    {
        var model = new AfinTrainer(TinyTraining.Network, TinyTraining.Tasks, TinyTraining.Options(1)).Train();
        using var tuner = AfinTrainer.FineTune(model, new DesignTaskSource([Template]), TinyTraining.Tasks, TinyTraining.Options(1));
        string path = TinyTraining.TempPath(".ckpt");
        StringAssert.Contains(Assert.ThrowsExactly<NotSupportedException>(() => tuner.Train(path)).Message, "checkpoint");
        Assert.ThrowsExactly<NotSupportedException>(() => tuner.SaveCheckpoint(path));
        Assert.IsFalse(File.Exists(path));
    }

    [TestMethod]
    public void FineTuningOnTheDesignsLowersTheHeldOutScore()
    {
        var model = new AfinTrainer(TinyTraining.Network, TinyTraining.Tasks, TinyTraining.Options(2)).Train();
        var source = new DesignTaskSource([Template]);
        var heldOut = Enumerable.Range(0, 200).Select(k => source.SampleBatch(1, 1_000_000 + k)[0]).ToArray();
        var before = HeldOutScores.Measure(model, heldOut);
        var options = TinyTraining.Options(80) with { LearningRate = 3e-3, BatchSize = 16, MicroBatches = 1, EmaStartStep = 0, EmaDecay = 0.8, WarmupSteps = 5 };
        using var tuner = AfinTrainer.FineTune(model, source, TinyTraining.Tasks, options);
        var tuned = tuner.Train();
        var after = HeldOutScores.Measure(tuned, heldOut);
        Assert.AreEqual(200, after.Tasks);
        Assert.AreEqual(before.LaplaceNegativeLogDensityPerDimension, after.LaplaceNegativeLogDensityPerDimension, "the yardstick does not depend on the network");
        Assert.IsLessThan(before.NegativeLogDensityPerDimension - 0.02, after.NegativeLogDensityPerDimension);
    }

    [TestMethod]
    public void ATaskWhoseTruthLiesFarOutsideItsLaplaceFrameIsLeftOutOfTheStep()
    {
        var network = TinyTraining.Network with { Coordinates = Afin.Canonical.LatentCoordinates.Full, FeatureVersion = Afin.Network.AfinNetworkOptions.LatestFeatureVersion };
        var model = new AfinTrainer(network, TinyTraining.Tasks, TinyTraining.Options(1)).Train();
        var good = new DesignTaskSource([Template]);
        var source = new BrokenTruthSource(good);
        using var tuner = AfinTrainer.FineTune(model, source, TinyTraining.Tasks, TinyTraining.Options(2) with { MicroBatches = 1 });
        var losses = new List<double>();
        tuner.Train(progress: new SyncProgress(p => losses.Add(p.Loss)));
        Assert.AreEqual(2, tuner.DiscardedTasks, "one broken task per step");
        Assert.IsTrue(losses.All(l => double.IsFinite(l) && l < 100), string.Join(", ", losses));
    }

    /// <summary>Every batch's first task claims a true latent a million prior sds away: no Laplace frame contains it.</summary>
    private sealed class BrokenTruthSource(ITrainingTaskSource inner) : ITrainingTaskSource
    {
        public IReadOnlyList<SimulatedTask> SampleBatch(int count, int seed)
        {
            var tasks = inner.SampleBatch(count, seed).ToArray();
            tasks[0] = tasks[0] with { TrueLatent = [1e6, -1e6] };
            return tasks;
        }
    }

    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }

    private sealed class RecordingSource(ITrainingTaskSource inner) : ITrainingTaskSource
    {
        internal List<(int Count, int Seed)> Calls { get; } = [];

        public IReadOnlyList<SimulatedTask> SampleBatch(int count, int seed)
        {
            Calls.Add((count, seed));
            return inner.SampleBatch(count, seed);
        }
    }
}
