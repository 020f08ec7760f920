using Afin.Modelling;

namespace Afin.Tests.Modelling;

/// <summary>
/// The range of numbers a problem may hold (<see cref="NumericLimits"/>, issue 15): numbers whose squares or inverse
/// squares overflow double arithmetic are rejected at the field that holds them, and the limits themselves are accepted.
/// </summary>
[TestClass]
public sealed class NumericLimitsTests
{
    private const string Prior = "\"prior\": { \"family\": \"gaussian\", \"loc\": 0, \"scale\": 1 }";

    private static string WithBlock(string block) => $"{{ {Prior}, \"observations\": [ {block} ] }}";

    public static IEnumerable<object[]> OutOfRange =>
    [
        ["{ \"prior\": { \"family\": \"gaussian\", \"loc\": 0, \"scale\": 1 }, \"d\": 2147483647 }", "d: expected at most 1000000, got 2147483647"],
        ["{ \"prior\": { \"family\": \"gaussian\", \"loc\": 0, \"scale\": 1e400 }, \"d\": 2 }", "prior.scale: expected a finite number, got the number 1e400"],
        ["{ \"prior\": { \"family\": \"gaussian\", \"loc\": 0, \"scale\": 1e-151 }, \"d\": 2 }", "prior.scale[0]: expected a number between 1E-150 and 1E+150"],
        ["{ \"prior\": { \"family\": \"gaussian\", \"loc\": 0, \"scale\": 5e-324 }, \"d\": 2 }", "prior.scale[0]: expected a number between 1E-150 and 1E+150 (its square and inverse square must stay within double arithmetic), got 5E-324"],
        ["{ \"prior\": { \"family\": \"laplace\", \"loc\": [0, 2e150], \"scale\": 1 } }", "prior.loc[1]: expected a magnitude of at most 1E+150 (its square must not overflow double arithmetic), got 2E+150"],
        ["{ \"prior\": { \"family\": \"student_t\", \"loc\": 0, \"scale\": 1, \"df\": 1e200 }, \"d\": 1 }", "prior.df[0]: expected a number between 1E-150 and 1E+150"],
        ["{ \"prior\": { \"family\": \"student_t\", \"loc\": 0, \"scale\": 1e-100, \"df\": 1e-120 }, \"d\": 1 }", "prior.df[0]: expected df x scale² of at least 1E-300"],
        ["{ \"prior\": { \"family\": \"full_rank_gaussian\", \"loc\": 0, \"precision\": [[1e301, 0], [0, 1]] } }", "prior.precision[0][0]: expected a magnitude of at most 1E+300"],
        ["{ \"prior\": { \"family\": \"full_rank_gaussian\", \"loc\": 0, \"precision\": [[1, 0], [0, 1e-301]] } }", "prior.precision[1][1]: expected a diagonal entry of at least 1E-300"],
        [WithBlock("{ \"family\": \"linear_gaussian\", \"x\": [[1, 2], [1e151, 0]], \"y\": [1, 2], \"sigma\": 1 }"), "observations[0].x[1][0]: expected a magnitude of at most 1E+150"],
        [WithBlock("{ \"family\": \"linear_gaussian\", \"x\": [[1, 2]], \"y\": [-1e300], \"sigma\": 1 }"), "observations[0].y[0]: expected a magnitude of at most 1E+150"],
        [WithBlock("{ \"family\": \"linear_gaussian\", \"x\": [[1, 2]], \"y\": [1], \"sigma\": 1e-200 }"), "observations[0].sigma[0]: expected a number between 1E-150 and 1E+150"],
        [WithBlock("{ \"family\": \"linear_student_t\", \"x\": [[1, 2]], \"y\": [1], \"sigma\": 1e-100, \"df\": 1e-120 }"), "observations[0].df[0]: expected df x sigma² of at least 1E-300"],
        [WithBlock("{ \"family\": \"direct_gaussian\", \"y\": [[1, 1e200]], \"sigma\": 1 }"), "observations[0].y[0][1]: expected a magnitude of at most 1E+150"],
        [WithBlock("{ \"family\": \"poisson_log\", \"x\": [[1, 2]], \"y\": [1], \"offset\": 1e300 }"), "observations[0].offset[0]: expected a magnitude of at most 1E+150"],
        [WithBlock("{ \"family\": \"binomial_logit\", \"x\": [[1, 2]], \"y\": [1], \"total_count\": 3e9 }"), "observations[0].total_count[0]: expected a positive integer of at most 2147483647, got 3000000000"],
    ];

    [TestMethod]
    [DynamicData(nameof(OutOfRange))]
    public void OutOfRangeNumbersAreRejectedAtTheirField(string json, string message)
    {
        var e = Assert.ThrowsExactly<ProblemValidationException>(() => ProblemJson.Parse(json));
        StringAssert.StartsWith(e.Message, message);
    }

    [TestMethod]
    public void TheLimitsThemselvesAreAccepted()
    {
        var problem = ProblemJson.Parse(
            "{ \"prior\": { \"family\": \"gaussian\", \"loc\": [1e150, -1e150], \"scale\": [1e-150, 1e150] }, \"observations\": [ " +
            "{ \"family\": \"linear_gaussian\", \"x\": [[1e150, 5e-324]], \"y\": [-1e150], \"sigma\": 1e150 }, " +
            "{ \"family\": \"binomial_logit\", \"x\": [[1, 0]], \"y\": [7], \"total_count\": 2147483647 } ] }");
        Assert.AreEqual(2, problem.Dimension);
    }

    [TestMethod]
    public void TheStudentTNormaliserStaysAccurateForHugeDegreesOfFreedom()
    {
        // As df grows the Student-t density becomes the Gaussian one; at df = 1e12 the two GammaLn terms of the direct
        // formula are 1.3e13 each and their difference would be off by about 1e-3.
        foreach (double df in new[] { 1e8, 1e12, 1e100 })
        {
            double gaussian = -0.5 * Math.Log(2 * Math.PI) - Math.Log(2.0);
            Assert.AreEqual(gaussian, StudentTDensity.LogNormaliser(2.0, df), 1e-7, $"df = {df}");
        }
        // Where both formulas are accurate they agree, so the switch from GammaLn to the series at 1e5 leaves no step.
        Assert.AreEqual(StudentTDensity.LogGammaRatio(1e5 * (1 - 1e-13)), StudentTDensity.LogGammaRatio(1e5 * (1 + 1e-13)), 1e-9);
    }
}
