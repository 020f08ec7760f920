using Afin.Modelling;
using Afin.Network;
using Afin.Training;

namespace Afin.Tests.Training;

/// <summary>Poisson sites in training: simulated tasks, the default distributions and the feature version they need.</summary>
[TestClass]
public sealed class PoissonTrainingTests
{
    [TestMethod]
    public void SimulatedPoissonBlocksHoldCountsWithPerRowLogExposures()
    {
        var sampler = new TaskSampler(new TaskDistribution { LikelihoodFamilies = ["poisson_log"], MinSites = 8 }, 11);
        var counts = new List<double>();
        for (int t = 0; t < 200; t++)
        {
            var (d, n) = sampler.SampleShape();
            var block = (PoissonLogBlock)sampler.SampleTask(d, n).Problem.Blocks.Single();
            Assert.IsTrue(block.Y.All(y => y >= 0 && y == Math.Floor(y)), "counts");
            // A block's offsets share its log base rate in (-1, 2.5) and differ by log exposures in (log 0.5, log 2).
            Assert.IsLessThanOrEqualTo(Math.Log(4), block.Offset.Max() - block.Offset.Min());
            Assert.IsTrue(block.Offset.All(o => o > -1 + Math.Log(0.5) && o < 2.5 + Math.Log(2)), "offsets");
            Assert.IsGreaterThan(0.0, block.Offset.Max() - block.Offset.Min());
            counts.AddRange(block.Y);
        }
        // Zeros and small counts dominate, with a tail into the tens.
        Assert.IsGreaterThan(0.05, counts.Count(y => y == 0) / (double)counts.Count);
        Assert.IsGreaterThan(20.0, counts.Max());
    }

    [TestMethod]
    public void TheDefaultDistributionKeepsTheReferenceFamilies()
    {
        // Model files record their families; a default distribution still draws the tasks it drew before Poisson sites.
        CollectionAssert.AreEqual(new[] { "linear_gaussian", "direct_gaussian", "linear_student_t", "bernoulli_logit", "binomial_logit" },
            new TaskDistribution().LikelihoodFamilies.ToArray());
        CollectionAssert.Contains(TaskDistribution.AllLikelihoodFamilies.ToArray(), "poisson_log");
    }

    [TestMethod]
    public void OnlyFeatureVersionThreeTakesPoissonSites()
    {
        var reference = new TaskDistribution().LikelihoodFamilies.ToArray();
        CollectionAssert.AreEqual(reference, AfinNetworkOptions.LikelihoodFamiliesOf(1).ToArray());
        CollectionAssert.AreEqual(reference, AfinNetworkOptions.LikelihoodFamiliesOf(2).ToArray());
        CollectionAssert.AreEqual(TaskDistribution.AllLikelihoodFamilies.ToArray(), AfinNetworkOptions.LikelihoodFamiliesOf(3).ToArray());
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => AfinNetworkOptions.LikelihoodFamiliesOf(AfinNetworkOptions.LatestFeatureVersion + 1));
    }

    [TestMethod]
    public void TrainingPoissonTasksWithAnOlderFeatureVersionIsRefusedBeforeAnyStep()
    {
        var network = Network.NetworkTestKit.Tiny(PosteriorFamily.Gaussian) with { FeatureVersion = 2 };
        var tasks = new TaskDistribution { LikelihoodFamilies = ["linear_gaussian", "poisson_log"] };
        var e = Assert.ThrowsExactly<ArgumentException>(() => new AfinTrainer(network, tasks, new TrainingOptions { Steps = 1 }));
        StringAssert.StartsWith(e.Message, "LikelihoodFamilies: networks of feature version 2 have no adapter for 'poisson_log'");
    }
}
