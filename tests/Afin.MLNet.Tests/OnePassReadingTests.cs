using System.Collections;
using Afin.MLNet.LoadCheck;
using Microsoft.ML;

namespace Afin.MLNet.Tests;

/// <summary>
/// The reading routes docs/mlnet.md recommends: Transform is lazy, so every pass over the output reruns inference. The input
/// is counted rather than the network, since each pass that reads a posterior column reads the input exactly once.
/// </summary>
[TestClass]
public sealed class OnePassReadingTests
{
    private static readonly string[] Outputs = ["PosteriorMean", "PosteriorStdDev", "PosteriorCovariance"];

    /// <summary>One model for the class; the transformers bound to it do not own it.</summary>
    private static Afin.Persistence.AfinModel? _model;

    [ClassInitialize]
    public static void LoadModel(TestContext _) => _model = Support.LoadTestModel();

    [TestMethod]
    public void SeparateGetColumnCallsRunInferenceOncePerColumn()
    {
        var (ml, rows, output) = Transformed();
        foreach (var name in Outputs)
        {
            Support.Column(output, name);
        }
        Assert.AreEqual(Outputs.Length, rows.Passes, "the pitfall the docs warn about");
    }

    [TestMethod]
    public void CreateEnumerableReadsEveryColumnInOnePass()
    {
        var (ml, rows, output) = Transformed();
        var typed = ml.Data.CreateEnumerable<PosteriorOutput>(output, reuseRowObject: false).ToArray();
        Assert.AreEqual(1, rows.Passes);
        Assert.HasCount(6, typed);
        Assert.IsTrue(typed.All(r => r.PosteriorMean.Length > 0 && r.PosteriorCovariance.Length == r.PosteriorMean.Length * r.PosteriorMean.Length));
    }

    [TestMethod]
    public void CacheNamingTheColumnsRunsInferenceOnceAndGivesTheSameOutputs()
    {
        var (ml, rows, output) = Transformed();
        var cached = ml.Data.Cache(output, Outputs);
        var means = Support.Column(cached, "PosteriorMean");
        Support.Column(cached, "PosteriorStdDev");
        Support.Column(cached, "PosteriorCovariance");
        Support.Column(cached, "PosteriorMean");
        Assert.AreEqual(1, rows.Passes);
        var direct = Support.Column(output, "PosteriorMean");
        for (int i = 0; i < means.Length; i++)
        {
            CollectionAssert.AreEqual(direct[i], means[i], $"row {i}");
        }
    }

    [TestMethod]
    public void CacheWithoutColumnNamesFillsEachColumnOnFirstUse()
    {
        // ML.NET's behaviour that makes the docs name the columns: an unnamed cache reruns inference for each new column.
        var (ml, rows, output) = Transformed();
        var cached = ml.Data.Cache(output);
        Support.Column(cached, "PosteriorMean");
        Support.Column(cached, "PosteriorStdDev");
        Assert.AreEqual(2, rows.Passes);
    }

    /// <summary>A fitted transformer's lazy output over counted rows (Fit with no fine-tuning does not read them).</summary>
    private static (MLContext Ml, CountingRows Rows, IDataView Output) Transformed()
    {
        var ml = new MLContext(seed: 1);
        var rows = new CountingRows(ProblemRow.Generate(6, 3));
        var data = ml.Data.LoadFromEnumerable(rows);
        var transformer = ml.Transforms.AfinPosterior(new AfinPosteriorOptions { Model = _model }).Fit(data);
        Assert.AreEqual(0, rows.Passes);
        return (ml, rows, transformer.Transform(data));
    }

    /// <summary>Rows that count how often they are enumerated (once per cursor over the input).</summary>
    private sealed class CountingRows(ProblemRow[] rows) : IEnumerable<ProblemRow>
    {
        public int Passes { get; private set; }

        public IEnumerator<ProblemRow> GetEnumerator()
        {
            Passes++;
            return ((IEnumerable<ProblemRow>)rows).GetEnumerator();
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
