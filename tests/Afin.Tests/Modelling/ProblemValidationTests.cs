using Afin.Modelling;

namespace Afin.Tests.Modelling;

[TestClass]
public sealed class ProblemValidationTests
{
    private const string Prior = "\"prior\": { \"family\": \"gaussian\", \"loc\": 0, \"scale\": 1 }";

    private static string WithBlock(string block) => $"{{ {Prior}, \"observations\": [ {block} ] }}";

    public static IEnumerable<object[]> InvalidProblems =>
    [
        ["{ \"prior\": { \"family\": \"cauchy\", \"loc\": 0, \"scale\": 1 }, \"d\": 2 }", "prior.family", "expected one of gaussian"],
        ["{ \"prior\": { \"family\": \"gaussian\", \"loc\": 0, \"scale\": 1, \"df\": 3 }, \"d\": 2 }", "prior.df", "unknown field"],
        ["{ \"prior\": { \"family\": \"gaussian\", \"loc\": 0 }, \"d\": 2 }", "prior.scale", "is required"],
        ["{ \"prior\": { \"family\": \"gaussian\", \"loc\": 0, \"scale\": [1, -2] } }", "prior.scale[1]", "> 0"],
        ["{ \"prior\": { \"family\": \"gaussian\", \"loc\": [0, 1, 2], \"scale\": [1, 2] } }", "prior.scale", "a scalar or 3 values"],
        ["{ \"prior\": { \"family\": \"student_t\", \"loc\": 0, \"scale\": 1, \"df\": 0 }, \"d\": 2 }", "prior.df[0]", "> 0"],
        ["{ \"prior\": { \"family\": \"full_rank_gaussian\", \"loc\": 0, \"precision\": [[1, 2], [2, 1]] } }", "prior.precision", "positive definite"],
        ["{ \"prior\": { \"family\": \"full_rank_gaussian\", \"loc\": 0, \"precision\": [[1, 0.5], [0, 1]] } }", "prior.precision[1][0]", "symmetric"],
        ["{ \"prior\": { \"family\": \"gaussian\", \"loc\": 0, \"scale\": 1 } }", "d", "cannot be inferred"],
        ["{ \"prior\": { \"family\": \"gaussian\", \"loc\": 0, \"scale\": 1 }, \"d\": 0 }", "d", "positive integer"],
        ["{ \"prior\": { \"family\": \"gaussian\", \"loc\": \"zero\", \"scale\": 1 }, \"d\": 1 }", "prior.loc", "expected a number"],
        ["{ " + Prior + ", \"d\": 1, \"extra\": 1 }", "extra", "unknown field"],
        ["{ " + Prior + ", \"observations\": {} }", "observations", "expected an array"],
        ["not json", "(document)", "valid JSON"],
        [WithBlock("{ \"family\": \"negative_binomial\", \"x\": [[1]], \"y\": [1] }"), "observations[0].family", "expected one of linear_gaussian"],
        [WithBlock("{ \"family\": \"linear_gaussian\", \"x\": [[1, 2], [3]], \"y\": [1, 2], \"sigma\": 1 }"), "observations[0].x[1]", "expected 2 values"],
        [WithBlock("{ \"family\": \"linear_gaussian\", \"x\": [[1, 2]], \"y\": [1, 2], \"sigma\": 1 }"), "observations[0].x", "expected 2 rows"],
        [WithBlock("{ \"family\": \"linear_gaussian\", \"x\": [[1, 2]], \"y\": [1], \"sigma\": [1, 1] }"), "observations[0].sigma", "a scalar or 1 values"],
        [WithBlock("{ \"family\": \"linear_gaussian\", \"x\": [[1, 2]], \"y\": [1], \"sigma\": 0 }"), "observations[0].sigma[0]", "> 0"],
        [WithBlock("{ \"family\": \"linear_gaussian\", \"x\": [[1, 2]], \"y\": [1] }"), "observations[0].sigma", "is required"],
        [WithBlock("{ \"family\": \"linear_gaussian\", \"x\": [[1, 2]], \"y\": [1], \"sigma\": 1, \"df\": 2 }"), "observations[0].df", "unknown field"],
        [WithBlock("{ \"family\": \"bernoulli_logit\", \"x\": [[1, 2], [0, 1]], \"y\": [1, 2] }"), "observations[0].y[1]", "expected 0 or 1"],
        [WithBlock("{ \"family\": \"binomial_logit\", \"x\": [[1, 2]], \"y\": [5], \"total_count\": 4 }"), "observations[0].y[0]", "between 0 and total_count"],
        [WithBlock("{ \"family\": \"binomial_logit\", \"x\": [[1, 2]], \"y\": [1.5], \"total_count\": 4 }"), "observations[0].y[0]", "integer count"],
        [WithBlock("{ \"family\": \"binomial_logit\", \"x\": [[1, 2]], \"y\": [1], \"total_count\": 2.5 }"), "observations[0].total_count[0]", "positive integer"],
        [WithBlock("{ \"family\": \"poisson_log\", \"x\": [[1, 2], [0, 1]], \"y\": [3, 2.5] }"), "observations[0].y[1]", "expected a non-negative integer, got 2.5"],
        [WithBlock("{ \"family\": \"poisson_log\", \"x\": [[1, 2]], \"y\": [-1] }"), "observations[0].y[0]", "expected a non-negative integer, got -1"],
        [WithBlock("{ \"family\": \"poisson_log\", \"x\": [[1, 2]], \"y\": [1e300] }"), "observations[0].y[0]", "expected a non-negative integer, got 1E+300"],
        [WithBlock("{ \"family\": \"poisson_log\", \"x\": [[1, 2]], \"y\": [1e400] }"), "observations[0].y[0]", "finite number"],
        [WithBlock("{ \"family\": \"poisson_log\", \"x\": [[1, 2]], \"y\": [1], \"offset\": [0.5, 1] }"), "observations[0].offset", "expected a scalar or 1 values (one per row), got 2"],
        [WithBlock("{ \"family\": \"poisson_log\", \"x\": [[1, 2], [0, 1]], \"y\": [1, 4], \"offset\": [0.5, -1e400] }"), "observations[0].offset[1]", "finite number"],
        [WithBlock("{ \"family\": \"poisson_log\", \"x\": [[1, 2]], \"y\": [1], \"total_count\": 3 }"), "observations[0].total_count", "unknown field"],
        [WithBlock("{ \"family\": \"linear_student_t\", \"x\": [[1, 2]], \"y\": [1], \"sigma\": 1, \"df\": -1 }"), "observations[0].df[0]", "> 0"],
        [WithBlock("{ \"family\": \"direct_gaussian\", \"y\": [[1, 2, 3]], \"sigma\": 1 }") .Replace("\"observations\": [ {", "\"d\": 2, \"observations\": [ {"), "observations[0]", "its y has 3 columns (d = 3), but the problem's 'd' field says d = 2"],
        ["{ \"prior\": { \"family\": \"gaussian\", \"loc\": 0, \"scale\": 1 }, \"observations\": [ { \"family\": \"linear_gaussian\", \"x\": [[1, 2]], \"y\": [1], \"sigma\": 1 }, { \"family\": \"bernoulli_logit\", \"x\": [[1, 2, 3]], \"y\": [1] } ] }", "observations[1]", "its x has 3 columns (d = 3), but observations[0]'s x has 2 columns (d = 2)"],
        [WithBlock("{ \"family\": \"linear_gaussian\", \"x\": [[1, 2]], \"y\": [1e400], \"sigma\": 1 }"), "observations[0].y[0]", "finite number"],
        [WithBlock("{ \"family\": \"bernoulli_logit\", \"x\": [[1, 2]], \"y\": [1], \"offset\": [0, 1] }"), "observations[0].offset", "expected a scalar or 1 values (one per row), got 2"],
        [WithBlock("{ \"family\": \"binomial_logit\", \"x\": [[1, 2]], \"y\": [1], \"total_count\": 2, \"offset\": [1e400] }"), "observations[0].offset[0]", "finite number"],
        [WithBlock("{ \"family\": \"binomial_logit\", \"x\": [[1, 2]], \"y\": [1], \"total_count\": 2, \"offset\": \"log(t)\" }"), "observations[0].offset", "expected a number or an array of numbers"],
        [WithBlock("{ \"family\": \"linear_gaussian\", \"x\": [[1, 2]], \"y\": [1], \"sigma\": 1, \"offset\": 0.5 }"), "observations[0].offset", "unknown field"],
        [WithBlock("{ \"family\": \"linear_student_t\", \"x\": [[1, 2]], \"y\": [1], \"sigma\": 1, \"df\": 3, \"offset\": 0.5 }"), "observations[0].offset", "unknown field"],
        [WithBlock("{ \"family\": \"direct_gaussian\", \"y\": [[1, 2]], \"sigma\": 1, \"offset\": 0.5 }"), "observations[0].offset", "unknown field"],
    ];

    [TestMethod]
    [DynamicData(nameof(InvalidProblems))]
    public void InvalidProblemIsRejectedWithFieldAndExpectation(string json, string path, string expectation)
    {
        var e = Assert.ThrowsExactly<ProblemValidationException>(() => ProblemJson.Parse(json));
        Assert.AreEqual(path, e.Path, e.Message);
        StringAssert.Contains(e.Message, expectation);
        StringAssert.StartsWith(e.Message, path);
    }

    [TestMethod]
    public void DimensionDisagreementNamesBothSourcesInWords()
    {
        var e = Assert.ThrowsExactly<ProblemValidationException>(() =>
            ProblemJson.Parse("{ \"d\": 3, \"prior\": { \"family\": \"gaussian\", \"loc\": [0, 0, 0, 0], \"scale\": 1 } }"));
        Assert.AreEqual("prior: its loc has 4 entries (d = 4), but the problem's 'd' field says d = 3", e.Message);

        var fromPrior = Assert.ThrowsExactly<ProblemValidationException>(() =>
            BayesianProblem.Create(new FullRankGaussianPrior([0.0], new double[,] { { 1, 0 }, { 0, 1 } }), [new LinearGaussianBlock(new double[,] { { 1, 2, 3 } }, [1.0], 1.0)]));
        Assert.AreEqual("observations[0]: its x has 3 columns (d = 3), but the prior's precision is 2 x 2 (d = 2)", fromPrior.Message);
    }

    [TestMethod]
    public void ApiValidatesTheSameWayAsJson()
    {
        var e = Assert.ThrowsExactly<ProblemValidationException>(() =>
            BayesianProblem.Create(new GaussianPrior(0, 1), [new LinearGaussianBlock(new double[,] { { 1, double.NaN } }, [1.0], 1.0)]));
        Assert.AreEqual("observations[0].x[0][1]", e.Path);
    }

    [TestMethod]
    public void OffsetErrorsNameTheBlockAndRow()
    {
        var x = new double[,] { { 1, 0 }, { 0, 1 }, { 1, 1 }, { 2, 1 } };
        var ok = new BernoulliLogitBlock(new double[,] { { 1, 2 } }, [1.0]);
        var nan = Assert.ThrowsExactly<ProblemValidationException>(() =>
            BayesianProblem.Create(new GaussianPrior(0, 1), [ok, new BernoulliLogitBlock(x, [1, 0, 1, 1], [0.1, 0.2, 0.3, double.NaN])]));
        Assert.AreEqual("observations[1].offset[3]: expected a finite number, got NaN", nan.Message);
        var length = Assert.ThrowsExactly<ProblemValidationException>(() =>
            BayesianProblem.Create(new GaussianPrior(0, 1), [ok, new BinomialLogitBlock(x, [1, 0, 1, 1], [2.0], [0.1, 0.2])]));
        Assert.AreEqual("observations[1].offset: expected a scalar or 4 values (one per row), got 2", length.Message);
        Assert.ThrowsExactly<ArgumentNullException>(() => new BernoulliLogitBlock(x, [1, 0, 1, 1], null!));
        Assert.ThrowsExactly<ArgumentNullException>(() => new BinomialLogitBlock(x, [1, 0, 1, 1], [2.0], null!));
        Assert.ThrowsExactly<ArgumentNullException>(() => new PoissonLogBlock(x, [1, 0, 7, 2], null!));
        var poisson = Assert.ThrowsExactly<ProblemValidationException>(() =>
            BayesianProblem.Create(new GaussianPrior(0, 1), [ok, new PoissonLogBlock(x, [1, 0, 7, 2], [0.1, double.PositiveInfinity, 0.3, 0.4])]));
        Assert.AreEqual("observations[1].offset[1]: expected a finite number, got Infinity", poisson.Message);
    }

    [TestMethod]
    public void ScalarsBroadcastAndDimensionIsInferred()
    {
        var problem = ProblemJson.Parse(WithBlock("{ \"family\": \"linear_student_t\", \"x\": [[1, 2, 3], [4, 5, 6]], \"y\": [1, 2], \"sigma\": 0.5, \"df\": [3, 4] }"));
        Assert.AreEqual(3, problem.Dimension);
        Assert.AreEqual(2, problem.ObservationCount);
        CollectionAssert.AreEqual(new[] { 1.0, 1.0, 1.0 }, ((GaussianPrior)problem.Prior).Scale);
        CollectionAssert.AreEqual(new[] { 0.5, 0.5 }, ((LinearStudentTBlock)problem.Blocks[0]).Sigma);
    }

    [TestMethod]
    public void PriorOnlyProblemIsAllowed()
    {
        var problem = ProblemJson.Parse("{ \"d\": 4, \"prior\": { \"family\": \"laplace\", \"loc\": 0, \"scale\": 2 }, \"observations\": [] }");
        Assert.AreEqual(4, problem.Dimension);
        Assert.AreEqual(0, problem.ObservationCount);
    }
}
