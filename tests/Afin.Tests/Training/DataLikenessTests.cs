using Afin.Modelling;
using Afin.Training;
using MathNet.Numerics.Distributions;

namespace Afin.Tests.Training;

[TestClass]
public sealed class DataLikenessTests
{
    /// <summary>
    /// 60 labels at a moderate logit (about -1 ± 0.4) on a raw feature of scale 20 under a N(0, 2.5²) prior on each
    /// coefficient: prior draws give that feature logits of ±50, i.e. separated or saturated labels.
    /// </summary>
    internal static BayesianProblem RawFeatureTemplate()
    {
        var x = new double[60, 2];
        var rng = new Random(6);
        var y = new double[60];
        for (int n = 0; n < 60; n++)
        {
            x[n, 0] = 1;
            x[n, 1] = 50 + 20 * Normal.Sample(rng, 0, 1);
            y[n] = rng.NextDouble() < 1 / (1 + Math.Exp(-(-1 + 0.02 * (x[n, 1] - 50)))) ? 1 : 0;
        }
        return BayesianProblem.Create(new GaussianPrior([0.0, 0.0], [2.5, 2.5]), [new BernoulliLogitBlock(x, y)]);
    }

    [TestMethod]
    public void DataLikeTasksRarelyFitMoreExtremelyThanTheTemplate()
    {
        var template = RawFeatureTemplate();
        double own = DataLikeness.FittedPredictorSize(template)!.Value;
        Assert.IsLessThan(3.0, own, "the template's own fitted logits are moderate");
        double Extreme(DesignTaskSource source) => source.SampleBatch(200, 1)
            .Count(t => DataLikeness.FittedPredictorSize(t.Problem) > 2 * own + 1) / 200.0;
        Assert.IsGreaterThan(0.5, Extreme(new DesignTaskSource([template], 0)), "from the whole prior most tasks fit extremely");
        Assert.IsLessThan(0.1, Extreme(new DesignTaskSource([template], 0, dataLike: true)));
    }

    [TestMethod]
    public void DataLikeTasksKeepTheTemplatesPriorAndDesign()
    {
        // The check conditions on y only: the prior and every row of the design are the template's.
        var template = RawFeatureTemplate();
        foreach (var task in new DesignTaskSource([template], 0, dataLike: true).SampleBatch(20, 2))
        {
            CollectionAssert.AreEqual(new[] { 2.5, 2.5 }, ((GaussianPrior)task.Problem.Prior).Scale);
            var block = (BernoulliLogitBlock)task.Problem.Blocks[0];
            var original = (BernoulliLogitBlock)template.Blocks[0];
            for (int n = 0; n < block.Count; n++)
            {
                Assert.AreEqual(original.Row(n)[1], block.Row(n)[1], $"x[{n}]");
            }
        }
    }

    [TestMethod]
    public void ProblemsWithoutLogitOrPoissonSitesAreNotChecked()
    {
        var x = new double[5, 1];
        for (int n = 0; n < 5; n++)
        {
            x[n, 0] = 1;
        }
        var linear = BayesianProblem.Create(new GaussianPrior(0, 1), [new LinearGaussianBlock(x, [1, 2, 3, 4, 5], 1.0)]);
        Assert.IsNull(DataLikeness.FittedPredictorSize(linear));
        Assert.IsNull(DataLikeness.For(linear));
    }
}
