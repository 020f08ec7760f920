using Afin.Modelling;

namespace Afin.Tests.Modelling;

/// <summary>Every factor's observed curvature is the negative Jacobian of its analytic gradient.</summary>
[TestClass]
public sealed class CurvatureTests
{
    public static IEnumerable<object[]> PriorFamilies => TestProblems.PriorFamilies.Where(f => f != "laplace").Select(f => new object[] { f });

    public static IEnumerable<object[]> BlockFamilies => TestProblems.BlockFamilies.Select(f => new object[] { f });

    [TestMethod]
    [DynamicData(nameof(PriorFamilies))]
    public void PriorCurvatureMatchesDifferencesOfTheGradient(string family)
    {
        var rng = new Random(21);
        var problem = BayesianProblem.Create(TestProblems.RandomPrior(rng, family, 4));
        AssertCurvatureMatches(problem, TestProblems.RandomVector(rng, 4));
    }

    [TestMethod]
    [DynamicData(nameof(BlockFamilies))]
    public void LikelihoodCurvatureMatchesDifferencesOfTheGradient(string family)
    {
        var rng = new Random(22);
        var problem = BayesianProblem.Create(new GaussianPrior(0, 1), [TestProblems.RandomBlock(rng, family, 5, 7)]);
        AssertCurvatureMatches(problem, TestProblems.RandomVector(rng, 5));
    }

    [TestMethod]
    public void StudentTExpectedAndClippedCurvaturesArePositiveWhereTheObservedOneIsNot()
    {
        var block = new LinearStudentTBlock(new double[,] { { 1 } }, [10], 1, 3);
        var problem = BayesianProblem.Create(new GaussianPrior(0, 100), [block]);
        var observed = Curvature(problem, [0], CurvatureKind.Observed);
        var expected = Curvature(problem, [0], CurvatureKind.Expected);
        // A residual of 10 scales lies far beyond sqrt(df): the t factor is locally convex there.
        Assert.IsTrue(observed[0] < 0, $"observed curvature {observed[0]}");
        Assert.AreEqual(1e-4 + 4.0 / 6.0, expected[0], 1e-12);
        // Clipped, the convex factor contributes nothing: only the prior's 1 / 100² is left.
        Assert.AreEqual(1e-4, Curvature(problem, [0], CurvatureKind.Clipped)[0], 1e-15);
    }

    [TestMethod]
    public void LaplacePriorCurvatureIsThatOfItsScaleWideSmoothing()
    {
        var problem = BayesianProblem.Create(new LaplacePrior(1, 2), dimension: 1);
        Assert.AreEqual(1 / 4.0, Curvature(problem, [1], CurvatureKind.Observed)[0], 1e-15);
        // Far from the kink it fades as scale / |r|^3.
        Assert.AreEqual(2 / Math.Pow(100 * 100 + 4, 1.5), Curvature(problem, [101], CurvatureKind.Observed)[0], 1e-15);
    }

    private static double[] Curvature(BayesianProblem problem, double[] z, CurvatureKind kind)
    {
        int d = z.Length;
        var h = new double[d * d];
        problem.Prior.AddCurvature(z, h, kind);
        foreach (var block in problem.Blocks)
        {
            block.AddCurvature(z, h, kind);
        }
        return h;
    }

    private static void AssertCurvatureMatches(BayesianProblem problem, double[] z)
    {
        int d = z.Length;
        var h = Curvature(problem, z, CurvatureKind.Observed);
        var density = problem.LogDensity();
        const double step = 1e-5;
        for (int j = 0; j < d; j++)
        {
            var plus = (double[])z.Clone();
            var minus = (double[])z.Clone();
            plus[j] += step;
            minus[j] -= step;
            var gPlus = new double[d];
            var gMinus = new double[d];
            density.Evaluate(plus, gPlus);
            density.Evaluate(minus, gMinus);
            for (int i = j; i < d; i++)
            {
                double numeric = -(gPlus[i] - gMinus[i]) / (2 * step);
                Assert.AreEqual(numeric, h[i * d + j], 1e-5 * Math.Max(1, Math.Abs(numeric)), $"curvature [{i}][{j}]");
            }
        }
    }
}
