using System.Text.Json;
using System.Text.Json.Serialization;

namespace Afin.Cli.Benchmarks.Real;

/// <summary>
/// Reads and writes the reference file, and finds a problem's reference, refusing one computed for a different problem
/// (a stale hash) with an error that names the problem.
/// </summary>
internal static class ReferenceStore
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new CompactNumbersConverter(), new CompactRowsConverter() },
    };

    /// <summary>The references in <paramref name="path"/>, or an empty set when the file does not exist.</summary>
    /// <exception cref="InvalidInputException">The file is not a reference file.</exception>
    internal static ReferenceSet Load(string path)
    {
        if (!File.Exists(path))
        {
            return new ReferenceSet();
        }
        try
        {
            return JsonSerializer.Deserialize<ReferenceSet>(File.ReadAllText(path), Options)
                ?? throw new InvalidInputException($"{path}: expected a reference file, got null");
        }
        catch (JsonException e)
        {
            throw new InvalidInputException($"{path}: not a valid reference file: {e.Message}");
        }
    }

    /// <summary>Writes the set atomically (a temporary file moved over the old one), so an interrupted run keeps the last complete file.</summary>
    internal static void Save(ReferenceSet set, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(set, Options) + Environment.NewLine);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Replaces (or appends) the reference of the same name, keeping the order of <paramref name="order"/>.</summary>
    internal static ReferenceSet With(ReferenceSet set, ProblemReference reference, IReadOnlyList<string> order)
    {
        var problems = set.Problems.Where(p => p.Name != reference.Name).Append(reference).ToList();
        var rank = order.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i);
        return set with { Problems = problems.OrderBy(p => rank.GetValueOrDefault(p.Name, int.MaxValue)).ToList() };
    }

    /// <summary>Whether the set holds a reference computed for exactly this problem.</summary>
    internal static bool IsCurrent(ReferenceSet set, SuiteProblem problem) =>
        set.Problems.Any(p => p.Name == problem.Name && p.Hash == problem.Hash);

    /// <summary>The reference of <paramref name="problem"/>.</summary>
    /// <exception cref="InvalidInputException">There is none, or it was computed for another version of the problem (stale hash).</exception>
    internal static ProblemReference Require(ReferenceSet set, SuiteProblem problem, string path)
    {
        var reference = set.Problems.FirstOrDefault(p => p.Name == problem.Name)
            ?? throw new InvalidInputException($"no reference for problem '{problem.Name}' in {path}; compute it with `afin bench real references`");
        if (reference.Hash != problem.Hash)
        {
            throw new InvalidInputException(
                $"the reference for problem '{problem.Name}' in {path} is stale: it was computed for a problem with hash {reference.Hash[..12]}, " +
                $"but the suite now generates hash {problem.Hash[..12]} (the generator or suite.json changed); recompute it with `afin bench real references`");
        }
        return reference;
    }
}
