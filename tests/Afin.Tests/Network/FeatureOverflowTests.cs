using Afin.Modelling;
using Afin.Network;

namespace Afin.Tests.Network;

/// <summary>
/// The features of a site stay finite whatever finite numbers it holds (issue 15): a canonical twin may lie beyond the
/// input limits, and one infinite feature would turn the network's whole forward pass into NaNs.
/// </summary>
[TestClass]
public sealed class FeatureOverflowTests
{
    [TestMethod]
    public void SitesWhoseProductsOverflowGiveFiniteFeatures()
    {
        // Built without the input limits, as the twin is: x_i x_j = 1e600 and |x|² overflow, y x_i = 1e580.
        var problem = BayesianProblem.CreateDerived(new GaussianPrior(0, 1),
        [
            new LinearGaussianBlock(new double[,] { { 1e300, -1e300, 2 } }, [1e280], 1.0),
            new DirectGaussianBlock(new double[,] { { 1e300, 1e300, -1e300 } }, 1.0),
            new BernoulliLogitBlock(new double[,] { { 1e300, 1e300, 1 } }, [1.0], [1e300]),
        ]);
        int d = problem.Dimension;
        foreach (var block in problem.Blocks)
        {
            var node = new float[d * 16];
            var pair = new float[d * d * 16];
            FactorFeatures.Site(block, 0, d, node, pair, featureVersion: 3);
            Assert.IsTrue(node.All(float.IsFinite) && pair.All(float.IsFinite), block.Family);
            Assert.IsTrue(node.Concat(pair).Max(Math.Abs) <= 710, $"{block.Family}: saturated at symlog(double.MaxValue)");
        }
    }
}
