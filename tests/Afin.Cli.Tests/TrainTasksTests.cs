using Afin.Persistence;

namespace Afin.Cli.Tests;

[TestClass]
public sealed class TrainTasksTests
{
    [TestMethod]
    public void TrainWithRealisticTasksRecordsTheUserTaskMixAndKeepsExplicitRanges()
    {
        string model = CliRunner.TempFile(".afin");
        var train = CliRunner.Run(["train", "--out", model, "--steps", "1", "--tasks", "realistic", "--width", "8", "--hidden", "12", "--merge-blocks", "1",
            "--d-max", "4", "--n-max", "24", "--batch-size", "2", "--micro-batches", "1", "--validate-every", "5"]);
        Assert.AreEqual(0, train.ExitCode, train.Error);
        var trained = AfinModel.Load(model);
        Assert.IsNotNull(trained.Tasks.UserTasks);
        Assert.AreEqual(4, trained.Tasks.MaxDimension);
        Assert.AreEqual(24, trained.Tasks.MaxSites);
        File.Delete(model);
        File.Delete(model + ".ckpt");
    }

    [TestMethod]
    public void TasksPlotWritesOnePicturePerStatistic()
    {
        string dir = Path.Combine(Path.GetTempPath(), "afin-tasks-plot-" + Guid.NewGuid().ToString("N"));
        var run = CliRunner.Run("train", "tasks-plot", "--out-dir", dir, "--count", "40");
        Assert.AreEqual(0, run.ExitCode, run.Error);
        var files = Directory.GetFiles(dir, "tasks-*.png").Select(Path.GetFileName).Order().ToArray();
        CollectionAssert.AreEqual(
            new[] { "tasks-column-kinds.png", "tasks-condition.png", "tasks-dimension.png", "tasks-positive-rate.png", "tasks-prior-scale.png", "tasks-scale-spread.png", "tasks-sites.png", "tasks-student-t-pull.png" },
            files);
        Directory.Delete(dir, recursive: true);
    }
}
