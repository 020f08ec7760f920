using Afin.Network;
using Afin.Training;

namespace Afin.Tests.Training;

[TestClass]
public sealed class AfinTrainerTests
{
    [TestMethod]
    public void SameSeedGivesTheSameModel()
    {
        var a = new AfinTrainer(TinyTraining.Network, TinyTraining.Tasks, TinyTraining.Options(3)).Train();
        var b = new AfinTrainer(TinyTraining.Network, TinyTraining.Tasks, TinyTraining.Options(3)).Train();
        CollectionAssert.AreEqual(TinyTraining.Weights(a), TinyTraining.Weights(b));
    }

    [TestMethod]
    public void ResumingFromACheckpointReproducesTheUninterruptedRun()
    {
        // Interrupt a 6-step run after step 3 (cancellation writes the checkpoint), resume it, and
        // compare with the run that was never interrupted: tasks, optimiser state and EMA must all carry over.
        string checkpoint = TinyTraining.TempPath(".ckpt");
        var uninterrupted = new AfinTrainer(TinyTraining.Network, TinyTraining.Tasks, TinyTraining.Options(6)).Train();
        using (var cancel = new CancellationTokenSource())
        using (var first = new AfinTrainer(TinyTraining.Network, TinyTraining.Tasks, TinyTraining.Options(6)))
        {
            Assert.ThrowsExactly<OperationCanceledException>(() => first.Train(checkpoint, new CancelAfter(3, cancel), cancel.Token));
        }
        using var resumed = AfinTrainer.Resume(checkpoint);
        Assert.AreEqual(3, resumed.Step);
        var model = resumed.Train();
        Assert.AreEqual(6, model.Training.Steps);
        CollectionAssert.AreEqual(TinyTraining.Weights(uninterrupted), TinyTraining.Weights(model));
        File.Delete(checkpoint);
    }

    [TestMethod]
    public void ReferenceProblemsAreScoredAtEveryValidationAndTheirHistoryResumes()
    {
        // Two conjugate problems with their exact posteriors stand in for the realistic suite's references.
        var rng = new Random(51);
        var references = Enumerable.Range(0, 2).Select(i =>
        {
            var problem = Afin.Modelling.BayesianProblem.Create(new Afin.Modelling.GaussianPrior(0, 1), [TestProblems.RandomBlock(rng, "linear_gaussian", 2, 5)]);
            var exact = Afin.References.ExactPosterior.Compute(problem);
            return new ReferenceProblem($"p{i}", problem, exact.Mean, exact.Covariance);
        }).ToArray();
        string checkpoint = TinyTraining.TempPath(".ckpt");
        var options = TinyTraining.Options(4) with { ValidationEvery = 2 };
        var reports = new List<TrainingProgress>();
        using (var trainer = new AfinTrainer(TinyTraining.Network, TinyTraining.Tasks, options) { ReferenceProblems = references })
        {
            var model = trainer.Train(checkpoint, new Recorder(reports));
            Assert.AreEqual(2, trainer.ReferenceHistory.Count);
        }
        var scored = reports.Where(r => r.ReferenceValidation is not null).Select(r => r.ReferenceValidation!).ToArray();
        CollectionAssert.AreEqual(new[] { 2, 4 }, scored.Select(s => s.Step).ToArray());
        Assert.IsTrue(scored.All(s => s.Problems == 2 && s.MedianMaxStandardisedMeanError >= s.MedianStandardisedMeanError));
        // The learning curve travels with the checkpoint into the next session's run.
        using var resumed = AfinTrainer.Resume(checkpoint, steps: 6);
        Assert.AreEqual(2, resumed.ReferenceHistory.Count);
        Assert.AreEqual(scored[1].MedianKlPerDimension, resumed.ReferenceHistory[1].MedianKlPerDimension);
        File.Delete(checkpoint);
    }

    private sealed class Recorder(List<TrainingProgress> reports) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => reports.Add(value);
    }

    [TestMethod]
    public void CancellationWritesACheckpointThatResumes()
    {
        string checkpoint = TinyTraining.TempPath(".ckpt");
        using var cancel = new CancellationTokenSource();
        var progress = new CancelAfter(2, cancel);
        using (var trainer = new AfinTrainer(TinyTraining.Network, TinyTraining.Tasks, TinyTraining.Options(50) with { ValidationEvery = 0 }))
        {
            Assert.ThrowsExactly<OperationCanceledException>(() => trainer.Train(checkpoint, progress, cancel.Token));
        }
        using var resumed = AfinTrainer.Resume(checkpoint);
        Assert.IsTrue(resumed.Step is >= 2 and < 50, $"resumed at step {resumed.Step}");
        File.Delete(checkpoint);
    }

    [TestMethod]
    public void ProgressReportsLossThroughputAndValidation()
    {
        var reports = new List<TrainingProgress>();
        using var trainer = new AfinTrainer(TinyTraining.Network, TinyTraining.Tasks, TinyTraining.Options(4) with { ValidationEvery = 2 });
        var model = trainer.Train(progress: new Collect(reports));
        Assert.IsTrue(reports.Count >= 2);
        Assert.IsTrue(reports.All(r => double.IsFinite(r.Loss) && r.StepsPerSecond > 0 && r.LearningRate > 0));
        Assert.IsTrue(reports.Any(r => r.Validation is { Step: 2 }));
        Assert.AreEqual(4, reports[^1].Step);
        Assert.IsNotNull(model.Training.Validation);
        Assert.IsTrue(double.IsFinite(model.Training.Validation!.MedianKlPerDimension));
    }

    [TestMethod]
    [DataRow(AfinArchitecture.Faithful)]
    [DataRow(AfinArchitecture.Pooled)]
    public void TrainingImprovesTheValidationScores(AfinArchitecture architecture)
    {
        var tasks = new TaskDistribution
        {
            MinDimension = 1, MaxDimension = 2, MinSites = 1, MaxSites = 4,
            PriorFamilies = ["gaussian"], LikelihoodFamilies = ["linear_gaussian", "direct_gaussian"],
        };
        var options = TinyTraining.Options(150) with { LearningRate = 5e-3, WarmupSteps = 10, ValidationProblems = 24, EmaDecay = 0.8 };
        using var trainer = new AfinTrainer(TinyTraining.Network with { Architecture = architecture }, tasks, options);
        var before = trainer.Validate()!;
        var model = trainer.Train();
        var after = model.Training.Validation!;
        Assert.IsTrue(after.MedianKlPerDimension < 0.5 * before.MedianKlPerDimension, $"KL/d {before.MedianKlPerDimension} -> {after.MedianKlPerDimension}");
    }

    [TestMethod]
    public void FineTuningStartsFromTheModelsWeights()
    {
        var model = new AfinTrainer(TinyTraining.Network, TinyTraining.Tasks, TinyTraining.Options(2)).Train();
        using var tuner = AfinTrainer.FineTune(model, TinyTraining.Tasks with { MaxSites = 3 }, TinyTraining.Options(1) with { Seed = 99 });
        var start = tuner.ToModel();
        CollectionAssert.AreEqual(TinyTraining.Weights(model), TinyTraining.Weights(start));
        var tuned = tuner.Train();
        CollectionAssert.AreNotEqual(TinyTraining.Weights(model), TinyTraining.Weights(tuned));
        Assert.AreEqual(3, tuned.Tasks.MaxSites);
    }

    [TestMethod]
    public void NumericallyFailingStepsAreSkippedUntilTooManyInARow()
    {
        var trained = new AfinTrainer(TinyTraining.Network, TinyTraining.Tasks, TinyTraining.Options(1)).Train();
        using var network = AfinNetwork.FromModel(trained);
        using (TorchSharp.torch.no_grad())
        {
            network.named_parameters().First(p => p.name.StartsWith("decoder.mean_head")).parameter.fill_(float.NaN);
        }
        var model = network.ToModel(trained.Tasks);
        using var tuner = AfinTrainer.FineTune(model, TinyTraining.Tasks, TinyTraining.Options(40));
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => tuner.Train());
        StringAssert.Contains(e.Message, $"{AfinTrainer.MaxConsecutiveSkips} consecutive steps failed");
        Assert.AreEqual(AfinTrainer.MaxConsecutiveSkips, tuner.SkippedSteps);
    }

    [TestMethod]
    public void FlowFamilyTrains()
    {
        var model = new AfinTrainer(TinyTraining.Network with { Family = PosteriorFamily.Flow }, TinyTraining.Tasks, TinyTraining.Options(3)).Train();
        Assert.AreEqual(PosteriorFamily.Flow, model.Options.Family);
        Assert.IsTrue(TinyTraining.Weights(model).All(float.IsFinite));
    }

    [TestMethod]
    public void InvalidOptionsAreNamed()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new AfinTrainer(TinyTraining.Network, TinyTraining.Tasks, TinyTraining.Options(0)));
        StringAssert.Contains(e.Message, "Steps");
        e = Assert.ThrowsExactly<ArgumentException>(() => new AfinTrainer(TinyTraining.Network, TinyTraining.Tasks, TinyTraining.Options(2) with { Device = "tpu" }));
        StringAssert.Contains(e.Message, "Device");
    }

    [TestMethod]
    public void LearningRateWarmsUpThenDecaysToItsFloor()
    {
        var options = new TrainingOptions { Steps = 100, WarmupSteps = 10, LearningRate = 1.0, FinalLearningRateFraction = 0.1 };
        Assert.AreEqual(0.01, options.LearningRateAt(0), 1e-12);
        Assert.AreEqual(1.0, options.LearningRateAt(10), 1e-12);
        Assert.AreEqual(0.55, options.LearningRateAt(55), 1e-12);
        Assert.AreEqual(0.1, options.LearningRateAt(100), 1e-12);
    }

    [TestMethod]
    public void AWarmRestartBeginsANewCycleWhereTheRunStands()
    {
        var options = new TrainingOptions { Steps = 300, CycleStart = 100, WarmupSteps = 10, LearningRate = 1.0, FinalLearningRateFraction = 0.1 };
        Assert.AreEqual(0.01, options.LearningRateAt(100), 1e-12);
        Assert.AreEqual(1.0, options.LearningRateAt(110), 1e-12);
        Assert.AreEqual(0.55, options.LearningRateAt(205), 1e-12);
        Assert.AreEqual(0.1, options.LearningRateAt(300), 1e-12);
        var e = Assert.ThrowsExactly<ArgumentException>(() => (options with { CycleStart = 300 }).Validate());
        StringAssert.Contains(e.Message, "CycleStart");
    }

    [TestMethod]
    public void AResumedRunCanRestartItsSchedule()
    {
        string checkpoint = TinyTraining.TempPath(".ckpt");
        using (var trainer = new AfinTrainer(TinyTraining.Network, TinyTraining.Tasks, TinyTraining.Options(3) with { ValidationEvery = 0 }))
        {
            trainer.Train(checkpoint);
        }
        using var resumed = AfinTrainer.Resume(checkpoint, steps: 8, restartLearningRate: 5e-4);
        Assert.AreEqual(3, resumed.Options.CycleStart);
        Assert.AreEqual(5e-4 * 0.01, resumed.Options.LearningRateAt(3), 1e-15);
        resumed.Train(checkpoint);
        Assert.AreEqual(8, resumed.Step);
        using var again = AfinTrainer.Resume(checkpoint);
        Assert.AreEqual(3, again.Options.CycleStart, "the cycle's start is kept in the checkpoint");
        File.Delete(checkpoint);
    }

    private sealed class Collect(List<TrainingProgress> reports) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => reports.Add(value);
    }

    private sealed class CancelAfter(int step, CancellationTokenSource source) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.Step >= step)
            {
                source.Cancel();
            }
        }
    }
}
