using Afin.Posteriors;

namespace Afin.Tests.Posteriors;

/// <summary>The posterior writer never emits invalid JSON: a number JSON cannot hold is refused, by name, before anything is written.</summary>
[TestClass]
public sealed class PosteriorJsonTests
{
    private static PosteriorReport Report(double[,] covariance, Dictionary<string, object>? diagnostics = null) =>
        new("exact", [0.5, -1.0], covariance, 1.5, diagnostics ?? new Dictionary<string, object>());

    [TestMethod]
    public void AFiniteReportIsWritten()
    {
        string json = PosteriorJson.Serialize(Report(new[,] { { 1.0, 0.1 }, { 0.1, 2.0 } },
            new Dictionary<string, object> { ["ess"] = 12.5, ["skipped"] = null!, ["stage_ms"] = new Dictionary<string, double> { ["afin"] = 1 } }));
        using var document = System.Text.Json.JsonDocument.Parse(json);
        Assert.AreEqual(2, document.RootElement.GetProperty("d").GetInt32());
    }

    [TestMethod]
    public void AnInfiniteCovarianceEntryIsNamed()
    {
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => PosteriorJson.Serialize(Report(new[,] { { 1.0, double.PositiveInfinity }, { 0.1, 2.0 } })));
        Assert.AreEqual("the exact posterior's covariance[0][1] is Infinity, which JSON cannot hold; nothing was written", e.Message);
    }

    [TestMethod]
    public void ANonFiniteNumberInsideTheDiagnosticsIsNamed()
    {
        var diagnostics = new Dictionary<string, object>
        {
            ["r_hat"] = new object[] { 1.01, double.NaN },
            ["stage_ms"] = new Dictionary<string, double> { ["afin"] = 1, ["nuts"] = double.NegativeInfinity },
        };
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => PosteriorJson.Serialize(Report(new[,] { { 1.0, 0.0 }, { 0.0, 2.0 } }, diagnostics)));
        StringAssert.Contains(e.Message, "diagnostics.r_hat[1] is NaN");
    }
}
