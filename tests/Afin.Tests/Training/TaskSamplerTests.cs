using Afin.Modelling;
using Afin.References;
using Afin.Training;

namespace Afin.Tests.Training;

[TestClass]
public sealed class TaskSamplerTests
{
    [TestMethod]
    public void SameSeedGivesTheSameTasks()
    {
        var a = new TaskSampler(new TaskDistribution(), 5).SampleBatch(4);
        var b = new TaskSampler(new TaskDistribution(), 5).SampleBatch(4);
        for (int i = 0; i < 4; i++)
        {
            Assert.AreEqual(ProblemJson.Serialize(a[i].Problem), ProblemJson.Serialize(b[i].Problem));
            CollectionAssert.AreEqual(a[i].TrueLatent, b[i].TrueLatent);
        }
    }

    [TestMethod]
    public void BatchesShareOneShapeInsideTheConfiguredRanges()
    {
        var distribution = new TaskDistribution { MinDimension = 2, MaxDimension = 5, MinSites = 3, MaxSites = 9 };
        var sampler = new TaskSampler(distribution, 1);
        var priors = new HashSet<string>();
        var likelihoods = new HashSet<string>();
        for (int b = 0; b < 40; b++)
        {
            var batch = sampler.SampleBatch(3);
            int d = batch[0].Problem.Dimension, n = batch[0].Problem.ObservationCount;
            Assert.IsTrue(d is >= 2 and <= 5 && n is >= 3 and <= 9, $"d = {d}, N = {n}");
            foreach (var task in batch)
            {
                Assert.AreEqual(d, task.Problem.Dimension);
                Assert.AreEqual(n, task.Problem.ObservationCount);
                Assert.AreEqual(d, task.TrueLatent.Length);
                priors.Add(task.Problem.Prior.Family);
                likelihoods.UnionWith(task.Problem.Blocks.Select(x => x.Family));
            }
        }
        Assert.AreEqual(4, priors.Count);
        Assert.AreEqual(5, likelihoods.Count);
    }

    [TestMethod]
    public void ConjugateTasksAreCalibratedAgainstTheExactPosterior()
    {
        // Simulation-based calibration: when z0 comes from the prior and y from the likelihood, the
        // exact posterior's standardised error (z0 - mean) / sd is N(0, 1) over tasks.
        var distribution = new TaskDistribution
        {
            MinDimension = 1, MaxDimension = 4, MinSites = 1, MaxSites = 10,
            PriorFamilies = ["gaussian", "full_rank_gaussian"], LikelihoodFamilies = ["linear_gaussian", "direct_gaussian"],
        };
        var sampler = new TaskSampler(distribution, 3);
        var errors = new List<double>();
        while (errors.Count < 3000)
        {
            var task = sampler.SampleBatch(1)[0];
            var exact = ExactPosterior.Compute(task.Problem);
            var sd = exact.StdDev;
            errors.AddRange(task.TrueLatent.Select((z, i) => (z - exact.Mean[i]) / sd[i]));
        }
        double mean = errors.Average();
        double variance = errors.Select(e => (e - mean) * (e - mean)).Sum() / (errors.Count - 1);
        // Coordinates of one task are correlated, so allow a few times the iid standard error.
        Assert.AreEqual(0, mean, 0.08);
        Assert.AreEqual(1, variance, 0.12);
    }

    [TestMethod]
    public void InvalidDistributionIsRejectedByName()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new TaskSampler(new TaskDistribution { LikelihoodFamilies = ["poisson"] }, 0));
        StringAssert.Contains(e.Message, "LikelihoodFamilies");
    }

    [TestMethod]
    public void PoissonCountsFollowTheStatedRatesHoweverLarge()
    {
        // Every count must come from exp(x·z0 + offset), the likelihood the problem states; a clipped rate makes the truth
        // disagree with the data, and the Laplace frame of such a task puts z0 hundreds of sds from the mode.
        var tasks = TaskDistribution.Realistic with { MaxDimension = 6, MaxSites = 40, LikelihoodFamilies = ["poisson_log"] };
        int large = 0;
        for (int seed = 0; seed < 40; seed++)
        {
            foreach (var task in new TaskSampler(tasks, seed).SampleBatch(8))
            {
                foreach (var block in task.Problem.Blocks.OfType<Afin.Modelling.PoissonLogBlock>())
                {
                    for (int n = 0; n < block.Count; n++)
                    {
                        double rate = Math.Exp(block.Row(n).ToArray().Select((v, i) => v * task.TrueLatent[i]).Sum() + block.Offset[n]);
                        if (rate > 1000)
                        {
                            large++;
                            Assert.IsLessThan(6 * Math.Sqrt(rate), Math.Abs(block.Y[n] - rate), $"seed {seed}: y {block.Y[n]} at rate {rate}");
                        }
                    }
                }
            }
        }
        Assert.IsGreaterThan(0, large, "no rate above 1000 was drawn: the test checks nothing");
    }
}
