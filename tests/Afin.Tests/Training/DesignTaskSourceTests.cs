using Afin.Modelling;
using Afin.Training;

namespace Afin.Tests.Training;

[TestClass]
public sealed class DesignTaskSourceTests
{
    private static readonly double[,] DesignA = { { 1, 0.5 }, { 1, -1.5 }, { 1, 2.5 }, { 1, 0 } };

    private static BayesianProblem Logistic(string name) =>
        BayesianProblem.Create(new GaussianPrior([0.0, 0.0], [1.0, 2.0]), [new BernoulliLogitBlock(DesignA, [0, 1, 1, 0], [0.5, 0.5, -1, 0])], name: name);

    private static BayesianProblem Poisson3d() =>
        BayesianProblem.Create(new LaplacePrior([0.0], [0.5]), [new PoissonLogBlock(new double[,] { { 1, 2, 3 } }, [4], [1.0])], 3, "poisson");

    [TestMethod]
    public void TasksKeepTheTemplatesDesignsArgumentsAndPriorButNotItsObservations()
    {
        var template = Logistic("a");
        var source = new DesignTaskSource([template], siteResampleProbability: 0);
        var tasks = source.SampleBatch(200, seed: 1);
        foreach (var task in tasks)
        {
            var block = (BernoulliLogitBlock)task.Problem.Blocks.Single();
            CollectionAssert.AreEqual(DesignA, block.X);
            CollectionAssert.AreEqual(new[] { 0.5, 0.5, -1, 0 }, block.Offset);
            Assert.AreSame(template.Prior.GetType(), task.Problem.Prior.GetType());
            CollectionAssert.AreEqual(new[] { 1.0, 2.0 }, ((GaussianPrior)task.Problem.Prior).Scale);
        }
        Assert.IsTrue(tasks.Select(t => string.Join(",", ((BernoulliLogitBlock)t.Problem.Blocks[0]).Y)).Distinct().Count() > 4, "observations are simulated afresh");
        // z0 comes from the prior: its second coordinate has sd 2.
        double sd = Math.Sqrt(tasks.Average(t => t.TrueLatent[1] * t.TrueLatent[1]));
        Assert.AreEqual(2.0, sd, 0.35);
    }

    [TestMethod]
    public void ResampledTasksDrawTheirSitesFromTheTemplates()
    {
        var source = new DesignTaskSource([Logistic("a")], siteResampleProbability: 1);
        var rows = Enumerable.Range(0, DesignA.GetLength(0)).Select(r => $"{DesignA[r, 0]},{DesignA[r, 1]}").ToHashSet();
        bool anyRepeat = false;
        foreach (var task in source.SampleBatch(50, seed: 2))
        {
            var block = (BernoulliLogitBlock)task.Problem.Blocks.Single();
            Assert.AreEqual(4, block.Count);
            var drawn = Enumerable.Range(0, 4).Select(r => $"{block.X[r, 0]},{block.X[r, 1]}").ToArray();
            Assert.IsTrue(drawn.All(rows.Contains));
            anyRepeat |= drawn.Distinct().Count() < 4;
            for (int r = 0; r < 4; r++)
            {
                // Each site keeps its own offset: the rows' offsets are 0.5, 0.5, -1, 0 for x2 = 0.5, -1.5, 2.5, 0.
                double expected = block.X[r, 1] switch { 2.5 => -1, 0 => 0, _ => 0.5 };
                Assert.AreEqual(expected, block.Offset[r]);
            }
        }
        Assert.IsTrue(anyRepeat, "sites are drawn with replacement");
    }

    [TestMethod]
    public void BatchesShareOneDimensionAndSeedsReproduceThem()
    {
        var source = new DesignTaskSource([Logistic("a"), Poisson3d(), Logistic("b")]);
        var dimensions = new HashSet<int>();
        for (int seed = 0; seed < 40; seed++)
        {
            var batch = source.SampleBatch(6, seed);
            Assert.AreEqual(1, batch.Select(t => t.Problem.Dimension).Distinct().Count());
            dimensions.Add(batch[0].Problem.Dimension);
        }
        CollectionAssert.AreEquivalent(new[] { 2, 3 }, dimensions.ToArray());
        var first = source.SampleBatch(3, seed: 7);
        var again = source.SampleBatch(3, seed: 7);
        for (int k = 0; k < 3; k++)
        {
            CollectionAssert.AreEqual(first[k].TrueLatent, again[k].TrueLatent);
        }
    }

    [TestMethod]
    public void BadArgumentsAreRefusedByName()
    {
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new DesignTaskSource([])).Message, "template");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new DesignTaskSource([Poisson3d()], 1.5));
    }
}
