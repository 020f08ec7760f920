using Afin.Laplace;
using Afin.Modelling;
using Afin.Training;

namespace Afin.Tests.Laplace;

/// <summary>
/// The Laplace prior's mode when the direct Newton search at the narrow kink width fails: the continuation in the
/// kink width finds it, and it satisfies the exact (unsmoothed) optimality conditions of the lasso-type problem.
/// </summary>
[TestClass]
public sealed class KinkContinuationTests
{
    /// <summary>
    /// Realistic campaign-like tasks (seed 11) whose direct search failed before the continuation existed: 409 (linear
    /// sites, the line search stalls), 572 (logistic, 200 iterations were not enough), 598 (binomial, likewise).
    /// </summary>
    [TestMethod]
    public void TasksWhoseDirectSearchFailsConvergeToTheExactLassoMode()
    {
        var wanted = new HashSet<int> { 409, 572, 598 };
        var sampler = new TaskSampler(TaskDistribution.Realistic with { MaxDimension = 12, MaxSites = 128, PriorFamilies = ["laplace"] }, 11);
        int checkedTasks = 0;
        for (int i = 0; i <= wanted.Max(); i++)
        {
            var (d, n) = sampler.SampleShape();
            var problem = sampler.SampleTask(d, n).Problem;
            if (!wanted.Contains(i))
            {
                continue;
            }
            var prior = (LaplacePrior)problem.Prior;
            var narrow = new NewtonObjective(problem, new LaplaceOptions().KinkWidth);
            Assert.IsFalse(NewtonModeSearch.Run(narrow, narrow.PriorLocation, new LaplaceOptions(), default).Converged, $"task {i}: the direct search alone fails");

            var laplace = LaplaceApproximation.Compute(problem);
            Assert.IsTrue(laplace.Converged, $"task {i}: {laplace.Message}");
            AssertLassoOptimality(problem, prior, laplace.Mode, $"task {i}");
            checkedTasks++;
        }
        Assert.AreEqual(wanted.Count, checkedTasks);
    }

    [TestMethod]
    public void ProblemsTheDirectSearchSolvesKeepTheirExactMode()
    {
        // The continuation runs only after a failed direct search, so a problem that converges directly is untouched:
        // its mode is the direct search's, bit for bit (the training campaign's frames depend on it).
        var rng = new Random(5);
        var x = TestProblems.RandomMatrix(rng, 40, 4, 1.0);
        var y = Enumerable.Range(0, 40).Select(_ => TestProblems.Normal(rng)).ToArray();
        var problem = BayesianProblem.Create(new LaplacePrior(0, 0.5), [new LinearGaussianBlock(x, y, 1.0)], 4);
        var objective = new NewtonObjective(problem, new LaplaceOptions().KinkWidth);
        var direct = NewtonModeSearch.Run(objective, objective.PriorLocation, new LaplaceOptions(), default);
        Assert.IsTrue(direct.Converged);
        CollectionAssert.AreEqual(direct.Mode, LaplaceApproximation.Compute(problem).Mode);
    }

    /// <summary>
    /// The subgradient conditions of max log-likelihood − Σ|z_i − loc_i| / s_i: at a coordinate off the kink the likelihood's
    /// gradient balances the prior's slope, sign(r_i) / s_i; at the kink it is at most 1 / s_i in size.
    /// </summary>
    private static void AssertLassoOptimality(BayesianProblem problem, LaplacePrior prior, double[] mode, string name)
    {
        int d = mode.Length;
        var gradient = new double[d];
        foreach (var block in problem.Blocks)
        {
            block.AddLogLikelihood(mode, gradient);
        }
        for (int i = 0; i < d; i++)
        {
            double s = prior.Scale[i], r = mode[i] - prior.Loc[i], slope = gradient[i] * s;
            Assert.IsLessThanOrEqualTo(1 + 1e-9, Math.Abs(slope), $"{name}: coordinate {i}: likelihood slope {slope} exceeds the prior's");
            if (Math.Abs(r) > 0.01 * s)
            {
                Assert.AreEqual(Math.Sign(r), slope, 1e-4, $"{name}: coordinate {i} off the kink (r = {r}) is not balanced");
            }
        }
    }
}
