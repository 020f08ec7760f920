using Afin.Inference;
using Afin.Laplace;
using Afin.Modelling;
using Afin.Persistence;
using Afin.References;

namespace Afin.Tests.Inference;

/// <summary><see cref="InferenceMode.Laplace"/>: the Laplace approximation as an outcome, without the network.</summary>
[TestClass]
public sealed class LaplaceModeTests
{
    private static AfinModel _model = null!;

    [ClassInitialize]
    public static void LoadModel(TestContext context) => _model = AfinModel.LoadDefault();

    [TestMethod]
    public void RunSkipsTheNetworkAndReturnsTheExactPosteriorOfConjugateProblems()
    {
        var problems = Enumerable.Range(40, 3).Select(seed => InferenceTestKit.EasyConjugate(seed, d: 1 + seed % 4)).ToArray();
        var outcomes = AfinInference.Run(_model, problems, InferenceMode.Laplace);
        for (int k = 0; k < problems.Length; k++)
        {
            var outcome = outcomes[k];
            var exact = ExactPosterior.Compute(problems[k]);
            Assert.AreEqual(InferenceMode.Laplace, outcome.Mode);
            Assert.AreEqual(InferenceMethod.Laplace, outcome.Method);
            Assert.IsNull(outcome.Amortized, "the network must not run");
            Assert.IsNull(outcome.ImportanceSampling);
            Assert.IsNull(outcome.Nuts);
            Assert.IsNotNull(outcome.Laplace);
            Assert.IsTrue(outcome.Laplace.Converged, outcome.Reason);
            Assert.IsTrue(double.IsNaN(outcome.ParetoK));
            Assert.IsTrue(outcome.InTrainingRange);
            Assert.AreEqual(TimeSpan.Zero, outcome.Timings.Amortized);
            Assert.AreEqual(TimeSpan.Zero, outcome.Timings.ImportanceSampling);
            Assert.IsGreaterThan(TimeSpan.Zero, outcome.Timings.Laplace);
            Assert.AreEqual(outcome.Timings.Laplace, outcome.Timings.Total);
            StringAssert.StartsWith(outcome.Reason, "Laplace mode: ");
            StringAssert.Contains(outcome.Reason, outcome.Laplace.Message);
            var sd = exact.StdDev;
            for (int i = 0; i < exact.Mean.Length; i++)
            {
                Assert.AreEqual(exact.Mean[i], outcome.Mean[i], 1e-9 * sd[i], $"problem {k} mean[{i}]");
                for (int j = 0; j < exact.Mean.Length; j++)
                {
                    Assert.AreEqual(exact.Covariance[i, j], outcome.Covariance[i, j], 1e-9 * sd[i] * sd[j], $"problem {k} covariance[{i}][{j}]");
                }
            }
        }
    }

    [TestMethod]
    public void RunLaplaceNeedsNoModelAndDecideIgnoresTheAfinPosterior()
    {
        var problem = InferenceTestKit.FarOutsideLogistic(5, d: 4, sites: 60);
        var alone = AfinInference.RunLaplace(problem);
        var viaRun = AfinInference.Run(_model, problem, InferenceMode.Laplace);
        var viaDecide = AfinInference.Decide(_model, problem, _model.Infer(problem), InferenceMode.Laplace);
        Assert.IsTrue(alone.Laplace!.Converged, alone.Reason);
        Assert.IsEmpty(viaRun.OutOfRangeReasons, "the training range bounds the network, which Laplace mode does not use");
        Assert.IsNull(viaDecide.Amortized);
        CollectionAssert.AreEqual(alone.Mean, viaRun.Mean);
        CollectionAssert.AreEqual(alone.Mean, viaDecide.Mean);
        CollectionAssert.AreEqual(alone.Covariance, viaDecide.Covariance);
    }

    [TestMethod]
    public void DrawsFollowTheApproximationAndRepeatWithTheSeed()
    {
        var problem = InferenceTestKit.FarOutsideLogistic(6, d: 3, sites: 40);
        var outcome = AfinInference.RunLaplace(problem);
        const int count = 20000;
        var draws = outcome.Sample(count, 9);
        CollectionAssert.AreEqual(draws, outcome.Sample(count, 9));
        CollectionAssert.AreNotEqual(draws, outcome.Sample(count, 10));
        int d = problem.Dimension;
        var mean = Enumerable.Range(0, d).Select(i => Enumerable.Range(0, count).Average(n => draws[n, i])).ToArray();
        for (int i = 0; i < d; i++)
        {
            double sd = outcome.StdDev[i];
            // Five Monte Carlo standard errors of the mean and of the covariance entries.
            Assert.AreEqual(outcome.Mean[i], mean[i], 5 * sd / Math.Sqrt(count), $"mean[{i}]");
            for (int j = 0; j < d; j++)
            {
                double covariance = Enumerable.Range(0, count).Sum(n => (draws[n, i] - mean[i]) * (draws[n, j] - mean[j])) / (count - 1);
                Assert.AreEqual(outcome.Covariance[i, j], covariance, 5 * sd * outcome.StdDev[j] * Math.Sqrt(2.0 / count), $"covariance[{i}][{j}]");
            }
        }
    }

    [TestMethod]
    public void AnUnconvergedSearchIsStillAnsweredWithAWarningInTheReason()
    {
        var problem = InferenceTestKit.FarOutsideLogistic(7, d: 4, sites: 60);
        var outcome = AfinInference.RunLaplace(problem, new AutoInferenceOptions { Laplace = new LaplaceOptions { MaxIterations = 1 } });
        Assert.IsFalse(outcome.Laplace!.Converged);
        StringAssert.Contains(outcome.Reason, "warning: Newton did not converge");
        Assert.IsTrue(outcome.Mean.All(double.IsFinite));
    }

    [TestMethod]
    public void InvalidLaplaceOptionsAreNamed()
    {
        var problem = InferenceTestKit.EasyConjugate(8);
        var e = Assert.ThrowsExactly<ArgumentException>(() =>
            AfinInference.Run(_model, problem, InferenceMode.Laplace, new AutoInferenceOptions { Laplace = new LaplaceOptions { MaxIterations = 0 } }));
        Assert.AreEqual(nameof(LaplaceOptions.MaxIterations), e.ParamName);
        var none = Assert.ThrowsExactly<ArgumentException>(() => AfinInference.RunLaplace(problem, new AutoInferenceOptions { Laplace = null! }));
        Assert.AreEqual(nameof(AutoInferenceOptions.Laplace), none.ParamName);
    }
}
