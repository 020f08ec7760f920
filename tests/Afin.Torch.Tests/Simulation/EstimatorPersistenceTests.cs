using Afin.Simulation;
using Afin.Simulation.Estimators;

namespace Afin.Tests.Simulation;

[TestClass]
public sealed class EstimatorPersistenceTests
{
    private static readonly Afin.Simulation.Training.SimulationTrainingOptions Quick =
        ConjugateToy.Training(epochs: 1) with { TrainingSimulations = 400, ValidationSimulations = 100 };

    public static IEnumerable<object[]> Kinds => [[EstimatorKind.NeuralBayes], [EstimatorKind.NeuralPosterior], [EstimatorKind.NeuralRatio]];

    private static SimulationEstimator Train(EstimatorKind kind) => kind switch
    {
        EstimatorKind.NeuralBayes => NeuralBayesEstimator.Train(ConjugateToy.Prior, ConjugateToy.Simulator, new NeuralBayesEstimatorOptions { Summary = ConjugateToy.Summary }, Quick),
        EstimatorKind.NeuralPosterior => NeuralPosteriorEstimator.Train(ConjugateToy.Prior, ConjugateToy.Simulator,
            new NeuralPosteriorEstimatorOptions { Summary = ConjugateToy.Summary, FlowLayers = 1, Samples = 200 }, Quick),
        _ => NeuralRatioEstimator.Train(ConjugateToy.Prior, ConjugateToy.Simulator, new NeuralRatioEstimatorOptions { Summary = ConjugateToy.Summary, Samples = 200 }, Quick),
    };

    [TestMethod]
    [DynamicData(nameof(Kinds))]
    public void SaveLoadGivesTheSameAnswers(EstimatorKind kind)
    {
        using var estimator = Train(kind);
        string path = Path.Combine(Path.GetTempPath(), $"afin-sbi-{Guid.NewGuid():N}.afin");
        try
        {
            estimator.Save(path);
            using var loaded = SimulationEstimator.Load(path);
            Assert.AreEqual(kind, loaded.Kind);
            Assert.AreEqual(estimator.Shape, loaded.Shape);
            var data = ConjugateToy.TestSets(4);
            var rows = Enumerable.Range(0, data.Count).Select(i => data.DataOf(i).ToArray()).ToArray();
            var before = estimator.Summarise(rows, seed: 3);
            var after = loaded.Summarise(rows, seed: 3);
            for (int i = 0; i < rows.Length; i++)
            {
                Assert.AreEqual(before[i].Median[0], after[i].Median[0], 1e-6);
                Assert.AreEqual(before[i].Upper[0], after[i].Upper[0], 1e-6);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    [DynamicData(nameof(Kinds))]
    public void TheSameSeedGivesTheSameEstimator(EstimatorKind kind)
    {
        using var first = Train(kind);
        using var second = Train(kind);
        var rows = Enumerable.Range(0, 3).Select(i => ConjugateToy.TestSets(3).DataOf(i).ToArray()).ToArray();
        var a = first.Summarise(rows, seed: 1);
        var b = second.Summarise(rows, seed: 1);
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.AreEqual(a[i].Median[0], b[i].Median[0], $"row {i}");
            Assert.AreEqual(a[i].Upper[0], b[i].Upper[0], $"row {i}");
        }
    }

    [TestMethod]
    public void CorruptOrWrongKindFilesAreRefused()
    {
        using var estimator = Train(EstimatorKind.NeuralBayes);
        string path = Path.Combine(Path.GetTempPath(), $"afin-sbi-{Guid.NewGuid():N}.afin");
        try
        {
            estimator.Save(path);
            var bytes = File.ReadAllBytes(path);
            File.WriteAllBytes(path, bytes[..(bytes.Length - 10)]);
            StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => SimulationEstimator.Load(path)).Message, "corrupt");
            SimulationSet.Simulate(ConjugateToy.Prior, ConjugateToy.Simulator, 10, seed: 1).Save(path);
            StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => SimulationEstimator.Load(path)).Message, "wrong kind");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void DataOfTheWrongLengthOrWithNaNIsReportedByIndex()
    {
        using var estimator = Train(EstimatorKind.NeuralBayes);
        var good = new float[10];
        var error = Assert.ThrowsExactly<ArgumentException>(() => estimator.Summarise([good, new float[9]]));
        StringAssert.Contains(error.Message, "data[1] has 9 values; expected 10");
        var nan = new float[10];
        nan[4] = float.NaN;
        error = Assert.ThrowsExactly<ArgumentException>(() => estimator.Summarise([good, good, nan]));
        StringAssert.Contains(error.Message, "data[2][4] is NaN");
    }
}
