namespace Afin.Cli.Tests;

/// <summary>The benchmark commands run end to end on tiny settings (their figures come from real runs, see docs/benchmarks.md).</summary>
[TestClass]
public sealed class BenchCommandTests
{
    [TestMethod]
    public void NutsBenchPrintsATableRowPerBucket()
    {
        var (code, output, error) = CliRunner.Run("bench", "nuts", "--problems", "1", "--d", "2", "--n", "16");
        Assert.AreEqual(0, code, error);
        StringAssert.Contains(output, "| 2 | 16 |");
    }

    [TestMethod]
    public void MlnetBenchComparesTransformWithTheEngine()
    {
        var (code, output, error) = CliRunner.Run("bench", "mlnet", "--problems", "12");
        Assert.AreEqual(0, code, error);
        StringAssert.Contains(output, "| IAfinPosteriorEngine.InferBatch | 12 |");
        StringAssert.Contains(output, "| ML.NET Transform (cursor over PosteriorMean) | 12 |");
    }
}
