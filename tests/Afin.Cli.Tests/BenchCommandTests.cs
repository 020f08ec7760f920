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
    public void PredictBenchComparesEachModeWithNutsAndTimesScoring()
    {
        var (code, output, error) = CliRunner.Run("bench", "predict", "--filter", "^(logistic-d2-n20|linear-d2-n10)$", "--nuts-draws", "200", "--scoring-rows", "2000");
        Assert.AreEqual(0, code, error);
        StringAssert.Contains(output, "| logistic-d2-n20 | bernoulli_logit | 2 | 20 | ");
        StringAssert.Contains(output, "| linear-d2-n10 | linear_gaussian | 2 | 10 | ");
        StringAssert.Contains(output, "Auto: median over logit problems of the median |p - p NUTS| ");
        StringAssert.Contains(output, "(1 problems); 90% interval coverage");
        StringAssert.Contains(output, "Held-out split of the Wisconsin breast-cancer data (benchmarks/wdbc): 30 features + intercept, 398 training rows, 171 test rows");
        StringAssert.Contains(output, "| NUTS 4 x 200 | ");
        StringAssert.Contains(output, "| Laplace | Laplace | ");
        StringAssert.Contains(output, "rows/s scoring new logistic rows of 200 groups");
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
