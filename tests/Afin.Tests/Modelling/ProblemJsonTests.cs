using Afin.Modelling;

namespace Afin.Tests.Modelling;

[TestClass]
public sealed class ProblemJsonTests
{
    [TestMethod]
    public void EveryFamilySurvivesARoundTrip()
    {
        var rng = new Random(31);
        foreach (var priorFamily in TestProblems.PriorFamilies)
        {
            var blocks = TestProblems.BlockFamilies.Select(f => TestProblems.RandomBlock(rng, f, 3, 2))
                .Concat(TestProblems.OffsetFamilies.Select(f => TestProblems.RandomOffsetBlock(rng, f, 3, 2))).ToArray();
            var problem = BayesianProblem.Create(TestProblems.RandomPrior(rng, priorFamily, 3), blocks, name: "round trip");
            var again = ProblemJson.Parse(ProblemJson.Serialize(problem));
            Assert.AreEqual(ProblemJson.Serialize(problem), ProblemJson.Serialize(again));
            Assert.AreEqual("round trip", again.Name);
            var z = TestProblems.RandomVector(rng, 3);
            Assert.AreEqual(problem.LogDensity().Evaluate(z), again.LogDensity().Evaluate(z), 0, priorFamily);
        }
    }

    [TestMethod]
    public void OffsetsAreReadBroadcastAndWrittenOnlyWhenNonzero()
    {
        const string json = """
        {
          "prior": { "family": "gaussian", "loc": 0, "scale": 1 },
          "observations": [
            { "family": "bernoulli_logit", "x": [[1.0, 0.0], [0.5, 1.0]], "y": [1, 0], "offset": -0.25 },
            { "family": "binomial_logit", "x": [[1.0, 2.0], [0.0, 1.0]], "y": [3, 1], "total_count": 5, "offset": [0.5, -1.5] },
            { "family": "bernoulli_logit", "x": [[1.0, 1.0]], "y": [1] },
            { "family": "poisson_log", "x": [[1.0, 0.2], [1.0, -0.4]], "y": [4, 0], "offset": [0.7, -0.1] },
            { "family": "poisson_log", "x": [[1.0, 0.5]], "y": [2] }
          ]
        }
        """;
        var problem = ProblemJson.Parse(json);
        CollectionAssert.AreEqual(new[] { -0.25, -0.25 }, ((BernoulliLogitBlock)problem.Blocks[0]).Offset);
        CollectionAssert.AreEqual(new[] { 0.5, -1.5 }, ((BinomialLogitBlock)problem.Blocks[1]).Offset);
        CollectionAssert.AreEqual(new[] { 0.0 }, ((BernoulliLogitBlock)problem.Blocks[2]).Offset);
        CollectionAssert.AreEqual(new[] { 0.7, -0.1 }, ((PoissonLogBlock)problem.Blocks[3]).Offset);
        CollectionAssert.AreEqual(new[] { 0.0 }, ((PoissonLogBlock)problem.Blocks[4]).Offset);

        string text = ProblemJson.Serialize(problem);
        using var document = System.Text.Json.JsonDocument.Parse(text);
        var written = document.RootElement.GetProperty("observations").EnumerateArray().Select(b => b.TryGetProperty("offset", out _)).ToArray();
        CollectionAssert.AreEqual(new[] { true, true, false, true, false }, written);
        var again = ProblemJson.Parse(text);
        Assert.AreEqual(text, ProblemJson.Serialize(again));
        var z = new[] { 0.3, -0.7 };
        Assert.AreEqual(problem.LogDensity().Evaluate(z), again.LogDensity().Evaluate(z), 0);
    }

    [TestMethod]
    public void OffsetFamiliesAreExactlyTheFamiliesWhoseJsonTakesAnOffset()
    {
        string[] families = ["linear_gaussian", "linear_student_t", "bernoulli_logit", "binomial_logit", "poisson_log"];
        foreach (string family in families)
        {
            string extra = family switch { "binomial_logit" => ", \"total_count\": 3", "linear_gaussian" or "linear_student_t" => ", \"sigma\": 1", _ => "" };
            extra += family == "linear_student_t" ? ", \"df\": 4" : "";
            string json = $$"""{ "d": 1, "prior": { "family": "gaussian", "loc": 0, "scale": 1 }, "observations": [ { "family": "{{family}}", "x": [[1.0]], "y": [1]{{extra}}, "offset": 0.5 } ] }""";
            bool accepted;
            try
            {
                ProblemJson.Parse(json);
                accepted = true;
            }
            catch (ProblemValidationException e) when (e.Message.Contains("offset", StringComparison.Ordinal))
            {
                accepted = false;
            }
            Assert.AreEqual(accepted, OffsetFamilies.Contains(family), family);
        }
        Assert.IsFalse(OffsetFamilies.Contains(null));
        Assert.AreEqual("bernoulli_logit, binomial_logit and poisson_log", OffsetFamilies.InWords);
    }

    [TestMethod]
    public void TheInterchangeDocumentExampleParses()
    {
        const string json = """
        {
          "name": "optional label",
          "d": 3,
          "prior": { "family": "gaussian", "loc": 0.0, "scale": [1.0, 0.5, 2.0] },
          "observations": [
            { "family": "linear_gaussian",  "x": [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], "y": [0.7, 0.1], "sigma": 0.35 },
            { "family": "bernoulli_logit",  "x": [[1.0, 0.0, -1.0]], "y": [1] },
            { "family": "binomial_logit",   "x": [[0.5, 0.5, 0.5]], "y": [3], "total_count": 8, "offset": -0.4 },
            { "family": "linear_student_t", "x": [[0.2, 0.1, 0.0]], "y": [0.4], "sigma": 0.6, "df": 4 },
            { "family": "direct_gaussian",  "y": [[0.1, 0.2, 0.3]], "sigma": 0.5 },
            { "family": "poisson_log",      "x": [[1.0, 0.3, 0.0], [1.0, -0.2, 1.0]], "y": [4, 0], "offset": [0.69, -0.5] }
          ]
        }
        """;
        var problem = ProblemJson.Parse(json);
        Assert.AreEqual(3, problem.Dimension);
        Assert.AreEqual(8, problem.ObservationCount);
        CollectionAssert.AreEqual(new[] { "linear_gaussian", "bernoulli_logit", "binomial_logit", "linear_student_t", "direct_gaussian", "poisson_log" }, problem.Blocks.Select(b => b.Family).ToArray());
        CollectionAssert.AreEqual(new[] { -0.4 }, ((BinomialLogitBlock)problem.Blocks[2]).Offset);
        CollectionAssert.AreEqual(new[] { 0.69, -0.5 }, ((PoissonLogBlock)problem.Blocks[5]).Offset);
    }
}
