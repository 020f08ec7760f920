using Afin.Modelling;
using Afin.Training;
using MathNet.Numerics.Distributions;

namespace Afin.Tests.Training;

[TestClass]
public sealed class PosteriorRegionTests
{
    /// <summary>100 observations of z with noise 1 and mean 2 under a N(0, 1) prior: posterior N(200/101, 1/101).</summary>
    private static BayesianProblem OneDimensional()
    {
        var x = new double[100, 1];
        for (int n = 0; n < 100; n++)
        {
            x[n, 0] = 1;
        }
        return BayesianProblem.Create(new GaussianPrior(0, 1), [new LinearGaussianBlock(x, Enumerable.Repeat(2.0, 100).ToArray(), 1.0)]);
    }

    [TestMethod]
    public void DrawsFollowThePriorRestrictedToTheEllipsoidAroundTheMode()
    {
        var region = new PosteriorRegion(OneDimensional(), scale: 2);
        double mode = 200.0 / 101, sd = 1 / Math.Sqrt(101), half = 2 * (1 + 3) * sd;
        double a = mode - half, b = mode + half;
        var rng = new Random(5);
        var draws = Enumerable.Range(0, 40000).Select(_ => region.Draw(rng)[0]).ToArray();
        Assert.IsTrue(draws.All(z => z >= a - 1e-12 && z <= b + 1e-12), "every draw lies in the region");
        // The prior N(0, 1) falls by a factor e^3.1 across the region, so the truncated mean sits well below its centre.
        double truncatedMean = (Normal.PDF(0, 1, a) - Normal.PDF(0, 1, b)) / (Normal.CDF(0, 1, b) - Normal.CDF(0, 1, a));
        Assert.AreEqual(truncatedMean, draws.Average(), 0.004);
        Assert.IsLessThan(mode - 0.1, truncatedMean, "the check can tell the truncated prior from a uniform draw");
    }

    [TestMethod]
    public void RegionTasksSimulateDataLikeTheTemplatesOwn()
    {
        // A weakly informative prior on a raw feature of scale 20: prior draws mostly give all-0 or all-1 labels.
        var template = DataLikenessTests.RawFeatureTemplate();
        double Saturated(DesignTaskSource source) => source.SampleBatch(400, 1)
            .Count(t => ((BernoulliLogitBlock)t.Problem.Blocks[0]).Y.Average() is < 0.03 or > 0.97) / 400.0;
        Assert.IsGreaterThan(0.5, Saturated(new DesignTaskSource([template], 0)));
        Assert.IsLessThan(0.05, Saturated(new DesignTaskSource([template], 0, regionScale: 2)));
    }
}
