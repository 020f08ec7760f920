using System.Text;
using System.Text.Json;

namespace Afin.Modelling;

/// <summary>
/// Reads and writes the JSON problem format of the <c>afin</c> command line (see docs/interchange-format.md).
/// Reading is strict: unknown families or fields, wrong shapes and out-of-range values are rejected
/// with a <see cref="ProblemValidationException"/> that names the field.
/// </summary>
public static class ProblemJson
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Parses and validates a problem from JSON text.</summary>
    /// <exception cref="ProblemValidationException">The text is not valid JSON or describes an invalid problem.</exception>
    public static BayesianProblem Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new ProblemValidationException("(document)", $"expected valid JSON: {e.Message}");
        }
        using (document)
        {
            return Read(document.RootElement);
        }
    }

    /// <summary>Reads and validates a problem from a JSON file.</summary>
    public static BayesianProblem Load(string path) => Parse(File.ReadAllText(path));

    /// <summary>Writes a problem as indented JSON text; parsing the text gives back an equal problem.</summary>
    public static string Serialize(BayesianProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            ProblemJsonWriter.Write(writer, problem);
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes a problem to a JSON file.</summary>
    public static void Save(BayesianProblem problem, string path) => File.WriteAllText(path, Serialize(problem));

    private static BayesianProblem Read(JsonElement root)
    {
        var reader = new JsonFields(root, "");
        reader.AllowOnly("name", "d", "prior", "observations");
        string? name = reader.OptionalString("name");
        int? d = reader.OptionalInteger("d");
        var prior = ReadPrior(reader.RequiredObject("prior"));
        var blocks = new List<ObservationBlock>();
        if (reader.TryGet("observations", out var observations))
        {
            if (observations.ValueKind != JsonValueKind.Array)
            {
                throw new ProblemValidationException("observations", $"expected an array of observation blocks, got {observations.ValueKind}");
            }
            int i = 0;
            foreach (var element in observations.EnumerateArray())
            {
                blocks.Add(ReadBlock(element, i++));
            }
        }
        return BayesianProblem.Create(prior, blocks, d, name);
    }

    private static Prior ReadPrior(JsonFields prior)
    {
        string family = prior.RequiredString("family");
        switch (family)
        {
            case "gaussian":
                prior.AllowOnly("family", "loc", "scale");
                return new GaussianPrior(prior.Vector("loc"), prior.Vector("scale"));
            case "full_rank_gaussian":
                prior.AllowOnly("family", "loc", "precision");
                return new FullRankGaussianPrior(prior.Vector("loc"), prior.Matrix("precision", null));
            case "student_t":
                prior.AllowOnly("family", "loc", "scale", "df");
                return new StudentTPrior(prior.Vector("loc"), prior.Vector("scale"), prior.Vector("df"));
            case "laplace":
                prior.AllowOnly("family", "loc", "scale");
                return new LaplacePrior(prior.Vector("loc"), prior.Vector("scale"));
            default:
                throw new ProblemValidationException("prior.family", $"expected one of gaussian, full_rank_gaussian, student_t, laplace, got '{family}'");
        }
    }

    private static ObservationBlock ReadBlock(JsonElement element, int index)
    {
        var block = new JsonFields(element, $"observations[{index}]");
        string family = block.RequiredString("family");
        switch (family)
        {
            case "linear_gaussian":
                block.AllowOnly("family", "x", "y", "sigma", "weight");
                return new LinearGaussianBlock(block.Matrix("x", null), block.Vector("y"), block.Vector("sigma")) { Weight = block.OptionalVector("weight") };
            case "linear_student_t":
                block.AllowOnly("family", "x", "y", "sigma", "df", "weight");
                return new LinearStudentTBlock(block.Matrix("x", null), block.Vector("y"), block.Vector("sigma"), block.Vector("df")) { Weight = block.OptionalVector("weight") };
            case "bernoulli_logit":
                block.AllowOnly("family", "x", "y", "offset", "weight");
                return new BernoulliLogitBlock(block.Matrix("x", null), block.Vector("y"), Offset(block)) { Weight = block.OptionalVector("weight") };
            case "binomial_logit":
                block.AllowOnly("family", "x", "y", "total_count", "offset", "weight");
                return new BinomialLogitBlock(block.Matrix("x", null), block.Vector("y"), block.Vector("total_count"), Offset(block)) { Weight = block.OptionalVector("weight") };
            case "poisson_log":
                block.AllowOnly("family", "x", "y", "offset", "weight");
                return new PoissonLogBlock(block.Matrix("x", null), block.Vector("y"), Offset(block)) { Weight = block.OptionalVector("weight") };
            case "direct_gaussian":
                block.AllowOnly("family", "y", "sigma");
                return new DirectGaussianBlock(block.Matrix("y", null), block.Vector("sigma"));
            default:
                throw new ProblemValidationException($"observations[{index}].family",
                    $"expected one of linear_gaussian, direct_gaussian, linear_student_t, bernoulli_logit, binomial_logit, poisson_log, got '{family}'");
        }
    }

    /// <summary>The optional <c>offset</c> of a logit or Poisson block; absent means no offset (0 for every row).</summary>
    private static double[] Offset(JsonFields block) => block.OptionalVector("offset") ?? [0.0];
}
