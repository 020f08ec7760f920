using System.Reflection;
using System.Text.Json;
using Afin.Modelling;

namespace Afin.Cli.Benchmarks.Real;

/// <summary>
/// Turns the suite description (benchmarks/real/suite.json, embedded in the command line) into named, validated
/// problems. Generation is deterministic: each problem's random stream is seeded from the suite's seed and the
/// problem's name alone, so adding a kind or a shape leaves every other problem unchanged. It is independent of the
/// training sampler on purpose: the suite must not share the training distribution's habits.
/// </summary>
internal static class RealisticSuite
{
    /// <summary>The embedded copy of benchmarks/real/suite.json.</summary>
    internal const string ResourceName = "real-suite.json";

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Reads the description from <paramref name="file"/>, or the embedded one when null.</summary>
    /// <exception cref="InvalidInputException">The file is missing or not a valid description.</exception>
    internal static SuiteDescription LoadDescription(FileInfo? file)
    {
        if (file is null)
        {
            using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourceName)
                ?? throw new InvalidOperationException($"the embedded {ResourceName} is missing from the build.");
            using var reader = new StreamReader(stream);
            return ParseDescription(reader.ReadToEnd(), ResourceName);
        }
        if (!file.Exists)
        {
            throw new InvalidInputException($"--suite: file '{file.FullName}' does not exist");
        }
        return ParseDescription(File.ReadAllText(file.FullName), file.Name);
    }

    /// <summary>Parses a description's JSON text; <paramref name="source"/> names it in errors.</summary>
    internal static SuiteDescription ParseDescription(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<SuiteDescription>(json, Options)
                ?? throw new InvalidInputException($"{source}: expected a suite description, got null");
        }
        catch (JsonException e)
        {
            throw new InvalidInputException($"{source}: not a valid suite description: {e.Message}");
        }
    }

    /// <summary>Generates every problem of <paramref name="description"/>, kind by kind and shape by shape.</summary>
    /// <exception cref="InvalidInputException">A kind is invalid (unknown family, bad shape) or two problems share a name.</exception>
    internal static IReadOnlyList<SuiteProblem> Generate(SuiteDescription description)
    {
        var problems = new List<SuiteProblem>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var kind in description.Kinds)
        {
            kind.Validate();
            foreach (var shape in kind.Shapes)
            {
                var (d, n) = CheckShape(kind, shape);
                for (int group = 1; group <= kind.Groups; group++)
                {
                    string name = kind.Groups == 1 ? $"{kind.Name}-d{d}-n{n}" : $"{kind.Name}-d{d}-n{n}-g{group:D2}";
                    if (!names.Add(name))
                    {
                        throw new InvalidInputException($"suite: two problems are named '{name}'");
                    }
                    problems.Add(new SuiteProblem(name, kind.Name, Build(kind, d, n, name, SeedOf(description.Seed, name))));
                }
            }
        }
        return problems;
    }

    /// <summary>One problem: design, truth, simulated blocks and prior, validated by <see cref="BayesianProblem.Create"/>.</summary>
    private static BayesianProblem Build(KindDescription kind, int d, int n, string name, int seed)
    {
        var random = new Random(seed);
        var rows = RealisticTruth.SplitRows(kind.Likelihoods, n);
        var designs = kind.Likelihoods.Select((l, i) => l.Family == "direct_gaussian" ? null : RealisticDesign.Build(kind.Design, rows[i], d, l.Separation, random)).ToArray();
        var z = RealisticTruth.Draw(kind, designs, d, random);
        var blocks = kind.Likelihoods.Select((l, i) => RealisticBlocks.Simulate(l, designs[i], rows[i], z, random)).ToArray();
        var prior = RealisticPriors.Build(kind.Prior, d, kind.Design.Intercept);
        try
        {
            return BayesianProblem.Create(prior, blocks, d, name);
        }
        catch (ProblemValidationException e)
        {
            throw new InvalidInputException($"suite: problem '{name}' is invalid: {e.Message}");
        }
    }

    private static (int D, int N) CheckShape(KindDescription kind, int[] shape)
    {
        int minimumD = kind.Design.Intercept ? 2 : 1;
        if (shape.Length != 2 || shape[0] < minimumD || shape[1] < 1)
        {
            throw new InvalidInputException($"suite: kind '{kind.Name}' has shape [{string.Join(", ", shape)}]; expected [d, N] with d >= {minimumD} and N >= 1");
        }
        return (shape[0], shape[1]);
    }

    /// <summary>A 32-bit seed from the suite's seed and the problem's name (FNV-1a, stable across runs and platforms).</summary>
    internal static int SeedOf(long suiteSeed, string name)
    {
        ulong hash = 14695981039346656037UL ^ (ulong)suiteSeed;
        foreach (char c in name)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }
        return (int)(hash ^ (hash >> 32));
    }
}
