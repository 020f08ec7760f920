using Afin.Modelling;
using Afin.Persistence;
using Afin.Tests.Training;
using Afin.Training;

namespace Afin.Tests.Persistence;

[TestClass]
public sealed class AfinModelFileTests
{
    private static string SavedModel(out AfinModel model)
    {
        model = new AfinTrainer(TinyTraining.Network, TinyTraining.Tasks, TinyTraining.Options(2)).Train();
        string path = TinyTraining.TempPath(".afin");
        model.Save(path);
        return path;
    }

    [TestMethod]
    public void RoundTripGivesTheSameModelAndPosteriors()
    {
        string path = SavedModel(out var model);
        var loaded = AfinModel.Load(path);
        Assert.AreEqual(model.Options, loaded.Options);
        Assert.AreEqual(model.Tasks.MaxSites, loaded.Tasks.MaxSites);
        Assert.AreEqual(2, loaded.Training.Steps);
        var problem = new TaskSampler(TinyTraining.Tasks, 3).SampleTask(2, 3).Problem;
        CollectionAssert.AreEqual(model.Infer(problem).Mean, loaded.Infer(problem).Mean);
        File.Delete(path);
    }

    [TestMethod]
    public void PooledArchitectureIsSavedAndRestored()
    {
        var model = new AfinTrainer(TinyTraining.Network with { Architecture = Afin.Network.AfinArchitecture.Pooled }, TinyTraining.Tasks, TinyTraining.Options(2)).Train();
        using var stream = new MemoryStream();
        model.Save(stream);
        stream.Position = 0;
        var loaded = AfinModel.Load(stream);
        Assert.AreEqual(Afin.Network.AfinArchitecture.Pooled, loaded.Options.Architecture);
        var problem = new TaskSampler(TinyTraining.Tasks, 4).SampleTask(3, 6).Problem;
        CollectionAssert.AreEqual(model.Infer(problem).Mean, loaded.Infer(problem).Mean);
    }

    [TestMethod]
    public void TruncatedFileIsReportedAsTruncated()
    {
        string path = SavedModel(out var model);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => AfinModel.Load(path));
        StringAssert.Contains(e.Message, "truncated");
        File.WriteAllBytes(path, bytes[..5]);
        e = Assert.ThrowsExactly<InvalidDataException>(() => AfinModel.Load(path));
        StringAssert.Contains(e.Message, "truncated");
        File.Delete(path);
    }

    [TestMethod]
    public void FlippedByteIsReportedAsCorrupt()
    {
        string path = SavedModel(out var model);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => AfinModel.Load(path));
        StringAssert.Contains(e.Message, "corrupt");
        File.Delete(path);
    }

    [TestMethod]
    public void OtherVersionIsReportedAsWrongVersion()
    {
        string path = SavedModel(out var model);
        var bytes = File.ReadAllBytes(path);
        bytes[8] = 99;
        File.WriteAllBytes(path, bytes);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => AfinModel.Load(path));
        StringAssert.Contains(e.Message, "wrong version");
        StringAssert.Contains(e.Message, "99");
        File.Delete(path);
    }

    [TestMethod]
    public void CheckpointOrForeignFileIsReportedAsWrongKind()
    {
        string checkpoint = TinyTraining.TempPath(".ckpt");
        using (var trainer = new AfinTrainer(TinyTraining.Network, TinyTraining.Tasks, TinyTraining.Options(1)))
        {
            trainer.SaveCheckpoint(checkpoint);
        }
        var e = Assert.ThrowsExactly<InvalidDataException>(() => AfinModel.Load(checkpoint));
        StringAssert.Contains(e.Message, "wrong kind");
        StringAssert.Contains(e.Message, "training checkpoint");
        File.WriteAllText(checkpoint, "{ \"this\": \"is json\" }");
        e = Assert.ThrowsExactly<InvalidDataException>(() => AfinModel.Load(checkpoint));
        StringAssert.Contains(e.Message, "not an AFIN file");
        File.Delete(checkpoint);
    }

    [TestMethod]
    public void CoversReportsTheTrainingRange()
    {
        string path = SavedModel(out var model);
        var inside = new TaskSampler(TinyTraining.Tasks, 1).SampleTask(2, 4).Problem;
        var outside = BayesianProblem.Create(new GaussianPrior(0, 1), dimension: 7);
        Assert.IsTrue(model.Covers(inside));
        Assert.IsFalse(model.Covers(outside));
        File.Delete(path);
    }
}
