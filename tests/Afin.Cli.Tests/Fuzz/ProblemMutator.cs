using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Afin.Fuzzing;

/// <summary>
/// Seeded mutation fuzzing of the problem format: takes valid problems and makes one random change to one of them per
/// call (see <see cref="MutationKind"/>). The same seed number always gives the same document, so a failure reported by
/// seed can be replayed.
/// </summary>
/// <remarks>
/// Mutations work on the parsed JSON tree (a <see cref="JsonNode"/>), except <see cref="MutationKind.CorruptText"/>,
/// which damages the text. A field is chosen first and then a place inside it, so that the short fields (sigma, scale,
/// df, d) are hit as often as the long design matrices. Some mutations leave the problem valid (a bigger block, another
/// valid prior, a benign number): those must be answered.
/// </remarks>
internal sealed class ProblemMutator
{
    /// <summary>Numbers a problem should never contain, but a user or a bug can produce: overflowing squares, subnormals, literals beyond double.</summary>
    private static readonly string[] ExtremeLiterals =
    [
        "1e300", "-1e300", "1.7976931348623157e308", "-1.7976931348623157e308", "5e-324", "-5e-324", "1e-300", "-1e-300",
        "1e155", "-1e155", "1e-155", "1e200", "1e100", "1e50", "-1e20", "1e16", "0", "-0.0", "1e400", "-1e400", "1e-400",
        "9007199254740993", "2147483648", "-1", "0.5", "3",
        // Within the accepted range but extreme in combination: products with other fields overflow, exp(800) does.
        "1e149", "-1e149", "1e-149", "1e140", "800", "-800", "1e5",
    ];

    /// <summary>Factors of unit mistakes, from plausible (1e8) to absurd (1e300).</summary>
    private static readonly double[] ScaleFactors = [1e150, 1e-150, 1e300, -1e300, 1e-300, 1e140, 1e-140, 1e100, 1e20, 1e8, -1, 0];

    private static readonly string[] WrongTypeLiterals =
        ["\"1.0\"", "true", "false", "null", "{}", "[]", "\"NaN\"", "\"Infinity\"", "[1, 2]", "[[1]]", "\"\"", "{\"value\": 1}"];

    private static readonly (string Name, string Value)[] ExtraFields =
    [
        ("offset", "0.5"), ("offset", "1e300"), ("weights", "[1]"), ("Sigma", "1"), ("scale", "1"), ("df", "3"), ("total_count", "5"),
        ("precision", "[[1]]"), ("comment", "\"x\""), ("d", "3"), ("loc", "0"), ("sigma", "1e-300"), ("x", "[[1, 2, 3]]"),
    ];

    private static readonly string[] PositiveFields = ["scale", "sigma", "df", "total_count", "d"];

    private static readonly string[] NonPositiveLiterals = ["0", "-1", "-0.0", "5e-324", "1e-320", "-1e300", "1e-300"];

    private static readonly string[] FamilyNames =
    [
        "gaussian", "full_rank_gaussian", "student_t", "laplace", "linear_gaussian", "direct_gaussian", "linear_student_t",
        "bernoulli_logit", "binomial_logit", "poisson_log", "Gaussian", "normal", "", "poisson",
    ];

    private static readonly string[] DimensionLiterals = ["0", "-1", "2.5", "1e10", "2147483648", "1000000", "\"3\"", "1", "2", "4", "100"];

    private static readonly string[] LabelLiterals = ["2", "-1", "0.5", "3", "1e9", "1e15", "9007199254740993", "1e18", "1e300", "2147483648"];

    private static readonly int[] HugeDimensions = [5_000, 100_000, int.MaxValue];

    private static readonly int[] HugeRowCounts = [2_000, 5_000, 20_000];

    private static readonly MutationKind[] Kinds = Enum.GetValues<MutationKind>();

    private readonly IReadOnlyList<(string Name, string Json)> _sources;

    /// <summary>Creates the mutator over valid problems.</summary>
    /// <param name="sources">Named valid problem documents; each call mutates one of them.</param>
    internal ProblemMutator(IReadOnlyList<(string Name, string Json)> sources)
    {
        if (sources.Count == 0)
        {
            throw new ArgumentException("at least one valid problem is needed", nameof(sources));
        }
        _sources = sources;
    }

    /// <summary>The document of seed number <paramref name="seed"/>: one source, one change.</summary>
    internal MutatedProblem Mutate(int seed)
    {
        var random = new Random(seed);
        var (name, json) = _sources[random.Next(_sources.Count)];
        // A kind that finds nothing to change in this source (no label family, no matrix) gives way to another.
        for (int attempt = 0; ; attempt++)
        {
            var kind = Kinds[random.Next(Kinds.Length)];
            var mutated = kind == MutationKind.CorruptText ? CorruptText(json, random) : MutateTree(json, kind, random);
            if (mutated is { } found)
            {
                return new MutatedProblem(seed, name, kind, $"{kind} {found.Description}", found.Json);
            }
            if (attempt > 100)
            {
                throw new InvalidOperationException($"no mutation applies to {name}");
            }
        }
    }

    private static (string Description, string Json)? MutateTree(string json, MutationKind kind, Random random)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        string? description = kind switch
        {
            MutationKind.ExtremeNumber => ReplaceNumber(root, random, ExtremeLiterals),
            MutationKind.ScaleField => ScaleField(root, random),
            MutationKind.WrongType => WrongType(root, random),
            MutationKind.RemoveField => RemoveField(root, random),
            MutationKind.ExtraField => ExtraField(root, random),
            MutationKind.RaggedRow => RaggedRow(root, random),
            MutationKind.DropElement => DropElement(root, random),
            MutationKind.DuplicateElement => DuplicateElement(root, random),
            MutationKind.NonPositive => NonPositive(root, random),
            MutationKind.ChangeFamily => ChangeFamily(root, random),
            MutationKind.HugeArray => HugeArray(root, random),
            MutationKind.ChangePrior => ChangePrior(root, random),
            MutationKind.SetDimension => SetDimension(root, random),
            MutationKind.HugeDimension => HugeDimension(root, random),
            MutationKind.LabelValue => LabelValue(root, random),
            MutationKind.EmptyArray => EmptyArray(root, random),
            MutationKind.Nesting => Nesting(root, random),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        return description is null ? null : (description, root.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
    }

    // ---- the tree mutations; each returns where and what it changed, or null when the source offers no place for it ----

    private static string? ReplaceNumber(JsonObject root, Random random, string[] literals)
    {
        var field = Pick(Fields(root).Where(f => Numbers(f.Value).Any()).ToList(), random);
        if (field is null)
        {
            return null;
        }
        var number = Pick(Numbers(field.Value.Value).ToList(), random)!;
        string literal = literals[random.Next(literals.Length)];
        string path = PathOf(number);
        string before = number.ToJsonString();
        Replace(number, JsonNode.Parse(literal));
        return $"at {path}: {before} -> {literal}";
    }

    private static string? ScaleField(JsonObject root, Random random)
    {
        var field = Pick(Fields(root).Where(f => f.Name != "d" && Numbers(f.Value).Any()).ToList(), random);
        if (field is null)
        {
            return null;
        }
        double factor = ScaleFactors[random.Next(ScaleFactors.Length)];
        // Taken before the change: a scalar field's node is replaced, and a detached node has no path.
        string path = PathOf(field.Value.Value!);
        foreach (var number in Numbers(field.Value.Value).ToList())
        {
            double value = number.GetValue<double>();
            Replace(number, JsonNode.Parse(Literal(value * factor)));
        }
        return $"at {path}: every number times {Literal(factor)}";
    }

    private static string? WrongType(JsonObject root, Random random)
    {
        var node = Pick(AllNodes(root).ToList(), random);
        if (node is null)
        {
            return null;
        }
        string literal = WrongTypeLiterals[random.Next(WrongTypeLiterals.Length)];
        string path = PathOf(node);
        Replace(node, JsonNode.Parse(literal));
        return $"at {path}: -> {literal}";
    }

    private static string? RemoveField(JsonObject root, Random random)
    {
        var field = Pick(Fields(root).ToList(), random);
        if (field is null)
        {
            return null;
        }
        string path = field.Value.Value is null ? field.Value.Name : PathOf(field.Value.Value);
        field.Value.Owner.Remove(field.Value.Name);
        return $"at {path}: removed";
    }

    private static string? ExtraField(JsonObject root, Random random)
    {
        var owner = Pick(Objects(root).ToList(), random)!;
        var (name, value) = ExtraFields[random.Next(ExtraFields.Length)];
        if (owner.ContainsKey(name))
        {
            return null;
        }
        owner[name] = JsonNode.Parse(value);
        return $"at {PathOf(owner)}: added \"{name}\": {value}";
    }

    private static string? RaggedRow(JsonObject root, Random random)
    {
        var matrix = Pick(Arrays(root).Where(a => a.Count > 0 && a.All(row => row is JsonArray)).ToList(), random);
        if (matrix is null)
        {
            return null;
        }
        var row = (JsonArray)matrix[random.Next(matrix.Count)]!;
        if (row.Count > 0 && random.Next(2) == 0)
        {
            row.RemoveAt(row.Count - 1);
            return $"at {PathOf(row)}: last element removed";
        }
        row.Add(JsonValue.Create(0.25));
        return $"at {PathOf(row)}: element 0.25 appended";
    }

    private static string? DropElement(JsonObject root, Random random)
    {
        var array = Pick(Arrays(root).Where(a => a.Count > 0).ToList(), random);
        if (array is null)
        {
            return null;
        }
        int index = random.Next(array.Count);
        array.RemoveAt(index);
        return $"at {PathOf(array)}[{index}]: removed";
    }

    private static string? DuplicateElement(JsonObject root, Random random)
    {
        var array = Pick(Arrays(root).Where(a => a.Count > 0).ToList(), random);
        if (array is null)
        {
            return null;
        }
        int index = random.Next(array.Count);
        array.Insert(index, array[index]?.DeepClone());
        return $"at {PathOf(array)}[{index}]: duplicated";
    }

    private static string? NonPositive(JsonObject root, Random random)
    {
        var field = Pick(Fields(root).Where(f => PositiveFields.Contains(f.Name) && Numbers(f.Value).Any()).ToList(), random);
        if (field is null)
        {
            return null;
        }
        var number = Pick(Numbers(field.Value.Value).ToList(), random)!;
        string literal = NonPositiveLiterals[random.Next(NonPositiveLiterals.Length)];
        string path = PathOf(number);
        Replace(number, JsonNode.Parse(literal));
        return $"at {path}: -> {literal}";
    }

    private static string? ChangeFamily(JsonObject root, Random random)
    {
        var field = Pick(Fields(root).Where(f => f.Name == "family").ToList(), random);
        if (field is null)
        {
            return null;
        }
        string family = FamilyNames[random.Next(FamilyNames.Length)];
        string path = PathOf(field.Value.Value!);
        string before = field.Value.Value!.ToJsonString();
        field.Value.Owner["family"] = family;
        return $"at {path}: {before} -> \"{family}\"";
    }

    /// <summary>Repeats the rows of one block (and of each per-row field) until it has thousands: a valid, large problem.</summary>
    private static string? HugeArray(JsonObject root, Random random)
    {
        var blocks = root["observations"] as JsonArray;
        var block = Pick(blocks?.OfType<JsonObject>().Where(b => b["x"] is JsonArray { Count: > 0 } || b["family"]?.ToString() == "direct_gaussian" && b["y"] is JsonArray { Count: > 0 }).ToList() ?? [], random);
        if (block is null)
        {
            return null;
        }
        string rowsField = block["x"] is JsonArray ? "x" : "y";
        int rows = ((JsonArray)block[rowsField]!).Count;
        int target = HugeRowCounts[random.Next(HugeRowCounts.Length)];
        foreach (var (name, value) in block.ToList())
        {
            if (value is JsonArray array && array.Count == rows && name != "family")
            {
                var grown = new JsonArray();
                for (int n = 0; n < target; n++)
                {
                    grown.Add(array[n % rows]?.DeepClone());
                }
                block[name] = grown;
            }
        }
        return $"at {PathOf(block)}: {rows} rows repeated to {target}";
    }

    private static string? ChangePrior(JsonObject root, Random random)
    {
        int d = Dimension(root);
        var variants = new (string Name, Func<JsonObject> Build)[]
        {
            ("full_rank_gaussian, valid SPD precision", () => FullRank(SpdMatrix(d, random, 1.0), 0)),
            ("full_rank_gaussian, asymmetric precision", () => FullRank(Perturb(SpdMatrix(d, random, 1.0), 1, 0, 0.5), 0)),
            ("full_rank_gaussian, indefinite precision", () => FullRank(Perturb(Identity(d, 1), 0, 0, -2), 0)),
            ("full_rank_gaussian, singular precision", () => FullRank(Constant(d, 1), 0)),
            ("full_rank_gaussian, ill-conditioned precision", () => FullRank(Add(Constant(d, 1), Identity(d, 1e-15)), 0)),
            ("full_rank_gaussian, precision 1e300 I", () => FullRank(Identity(d, 1e300), 0)),
            ("full_rank_gaussian, precision 1e-300 I", () => FullRank(Identity(d, 1e-300), 0)),
            ("full_rank_gaussian, precision entries 1e200", () => FullRank(SpdMatrix(d, random, 1e200), 0)),
            ("full_rank_gaussian, loc 1e300", () => FullRank(Identity(d, 1), 1e300)),
            ("full_rank_gaussian, precision 1e155 I, loc 1e155", () => FullRank(Identity(d, 1e155), 1e155)),
            ("laplace", () => new JsonObject { ["family"] = "laplace", ["loc"] = 0.0, ["scale"] = 1.0 }),
            ("student_t", () => new JsonObject { ["family"] = "student_t", ["loc"] = 0.0, ["scale"] = 2.0, ["df"] = 3.0 }),
            ("student_t, df 1e300", () => new JsonObject { ["family"] = "student_t", ["loc"] = 0.0, ["scale"] = 1.0, ["df"] = 1e300 }),
            ("student_t, df 5e-324", () => new JsonObject { ["family"] = "student_t", ["loc"] = 0.0, ["scale"] = 1.0, ["df"] = 5e-324 }),
            ("gaussian, scale 1e-200", () => new JsonObject { ["family"] = "gaussian", ["loc"] = 0.0, ["scale"] = 1e-200 }),
            ("gaussian, scale 1e200", () => new JsonObject { ["family"] = "gaussian", ["loc"] = 0.0, ["scale"] = 1e200 }),
            ("laplace, scale 1e-300", () => new JsonObject { ["family"] = "laplace", ["loc"] = 0.0, ["scale"] = 1e-300 }),
        };
        var (name, build) = variants[random.Next(variants.Length)];
        root["prior"] = build();
        return $"at prior: -> {name} (d = {d})";
    }

    private static string? SetDimension(JsonObject root, Random random)
    {
        string literal = DimensionLiterals[random.Next(DimensionLiterals.Length)];
        root["d"] = JsonNode.Parse(literal);
        return $"at d: -> {literal}";
    }

    private static string? HugeDimension(JsonObject root, Random random)
    {
        int d = HugeDimensions[random.Next(HugeDimensions.Length)];
        root.Remove("observations");
        root["d"] = d;
        return $"at d: observations removed, d -> {d}";
    }

    private static string? LabelValue(JsonObject root, Random random)
    {
        var blocks = (root["observations"] as JsonArray)?.OfType<JsonObject>()
            .Where(b => b["family"]?.ToString() is "bernoulli_logit" or "binomial_logit" or "poisson_log" && b["y"] is JsonArray { Count: > 0 })
            .ToList() ?? [];
        var block = Pick(blocks, random);
        if (block is null)
        {
            return null;
        }
        var y = (JsonArray)block["y"]!;
        var label = y[random.Next(y.Count)]!;
        string path = PathOf(label);
        string before = label.ToJsonString();
        string literal = LabelLiterals[random.Next(LabelLiterals.Length)];
        Replace(label, JsonNode.Parse(literal));
        return $"at {path}: {before} -> {literal}";
    }

    private static string? EmptyArray(JsonObject root, Random random)
    {
        var array = Pick(Arrays(root).Where(a => a.Count > 0 && a.Parent is JsonObject).ToList(), random);
        if (array is null)
        {
            return null;
        }
        array.Clear();
        return $"at {PathOf(array)}: emptied";
    }

    private static string? Nesting(JsonObject root, Random random)
    {
        var node = Pick(AllNodes(root).Where(n => n is JsonValue || n is JsonArray { Count: 1 }).ToList(), random);
        if (node is null)
        {
            return null;
        }
        string path = PathOf(node);
        if (node is JsonArray { Count: 1 } single)
        {
            var inner = single[0]?.DeepClone();
            Replace(node, inner);
            return $"at {path}: one-element array unwrapped";
        }
        Replace(node, new JsonArray(node.DeepClone()));
        return $"at {path}: wrapped in an array";
    }

    private static (string Description, string Json)? CorruptText(string json, Random random)
    {
        switch (random.Next(5))
        {
            case 0:
                int cut = random.Next(1, json.Length - 1);
                return ($"cut short at character {cut} of {json.Length}", json[..cut]);
            case 1:
                string word = new[] { "NaN", "Infinity", "-Infinity", "nan", "1e", "--1", "0x10", ".5", "01" }[random.Next(9)];
                int colon = NthIndexOf(json, ':', random);
                int end = json.IndexOfAny([',', '}', '\n'], colon + 1);
                return colon < 0 || end < 0 ? null : ($"value after character {colon} -> {word}", json[..(colon + 1)] + " " + word + json[end..]);
            case 2:
                return ("trailing garbage", json + "\n} extra");
            case 3:
                int brace = json.IndexOf('{');
                return ("duplicate key \"d\" at the top", json[..(brace + 1)] + "\"d\": 2, " + json[(brace + 1)..]);
            default:
                return ("empty document", "");
        }
    }

    // ---- navigation ----

    /// <summary>Every property of every object, with its owner; the value is null for a JSON null.</summary>
    private static IEnumerable<(JsonObject Owner, string Name, JsonNode? Value)> Fields(JsonNode root) =>
        Objects(root).SelectMany(o => o.Select(p => (o, p.Key, p.Value)));

    private static IEnumerable<JsonObject> Objects(JsonNode root) => SelfAndDescendants(root).OfType<JsonObject>();

    private static IEnumerable<JsonArray> Arrays(JsonNode root) => SelfAndDescendants(root).OfType<JsonArray>();

    private static IEnumerable<JsonNode> AllNodes(JsonNode root) => SelfAndDescendants(root).Skip(1);

    private static IEnumerable<JsonValue> Numbers(JsonNode? node) =>
        node is null ? [] : SelfAndDescendants(node).OfType<JsonValue>().Where(v => v.GetValueKind() == JsonValueKind.Number);

    private static IEnumerable<JsonNode> SelfAndDescendants(JsonNode node)
    {
        yield return node;
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a,
            _ => [],
        };
        foreach (var child in children)
        {
            if (child is not null)
            {
                foreach (var descendant in SelfAndDescendants(child))
                {
                    yield return descendant;
                }
            }
        }
    }

    /// <summary>The path in the form validation messages use: <c>observations[0].x[3][1]</c>.</summary>
    private static string PathOf(JsonNode node)
    {
        string path = node.GetPath();
        return path == "$" ? "(document)" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path[1..];
    }

    private static void Replace(JsonNode node, JsonNode? replacement)
    {
        switch (node.Parent)
        {
            case JsonObject owner:
                owner[node.GetPropertyName()] = replacement;
                break;
            case JsonArray array:
                array[node.GetElementIndex()] = replacement;
                break;
            default:
                throw new InvalidOperationException("the root cannot be replaced");
        }
    }

    private static T? Pick<T>(IReadOnlyList<T> items, Random random) => items.Count == 0 ? default : items[random.Next(items.Count)];

    private static (JsonObject Owner, string Name, JsonNode? Value)? Pick(IReadOnlyList<(JsonObject Owner, string Name, JsonNode? Value)> items, Random random) =>
        items.Count == 0 ? null : items[random.Next(items.Count)];

    private static int NthIndexOf(string text, char c, Random random)
    {
        var positions = Enumerable.Range(0, text.Length).Where(i => text[i] == c).ToList();
        return positions.Count == 0 ? -1 : positions[random.Next(positions.Count)];
    }

    /// <summary>A number as JSON text: round-trip digits, or a literal past double's range when the product overflowed.</summary>
    private static string Literal(double value) =>
        double.IsPositiveInfinity(value) ? "1e400" : double.IsNegativeInfinity(value) ? "-1e400" : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The problem's d: its <c>d</c> field, else the length of its first design row, else 3.</summary>
    private static int Dimension(JsonObject root)
    {
        if (root["d"] is JsonValue d && d.TryGetValue(out int value) && value is > 0 and < 50)
        {
            return value;
        }
        var firstRow = (root["observations"] as JsonArray)?.OfType<JsonObject>().Select(b => (b["x"] ?? b["y"]) as JsonArray)
            .FirstOrDefault(a => a is { Count: > 0 } && a[0] is JsonArray)?[0] as JsonArray;
        return firstRow?.Count ?? 3;
    }

    // ---- precision matrices for ChangePrior ----

    private static JsonObject FullRank(double[,] precision, double loc)
    {
        int d = precision.GetLength(0);
        var rows = new JsonArray();
        for (int i = 0; i < d; i++)
        {
            var row = new JsonArray();
            for (int j = 0; j < d; j++)
            {
                row.Add(JsonNode.Parse(Literal(precision[i, j])));
            }
            rows.Add(row);
        }
        return new JsonObject { ["family"] = "full_rank_gaussian", ["loc"] = loc, ["precision"] = rows };
    }

    /// <summary>B Bᵀ + d I with B's entries uniform in [-1, 1], times <paramref name="scale"/>.</summary>
    private static double[,] SpdMatrix(int d, Random random, double scale)
    {
        var b = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                b[i, j] = 2 * random.NextDouble() - 1;
            }
        }
        var m = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                double s = i == j ? d : 0;
                for (int k = 0; k < d; k++)
                {
                    s += b[i, k] * b[j, k];
                }
                m[i, j] = Math.Round(s, 6) * scale;
            }
        }
        return m;
    }

    private static double[,] Identity(int d, double diagonal)
    {
        var m = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            m[i, i] = diagonal;
        }
        return m;
    }

    private static double[,] Constant(int d, double value)
    {
        var m = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                m[i, j] = value;
            }
        }
        return m;
    }

    private static double[,] Add(double[,] a, double[,] b)
    {
        var m = (double[,])a.Clone();
        for (int i = 0; i < m.GetLength(0); i++)
        {
            for (int j = 0; j < m.GetLength(1); j++)
            {
                m[i, j] += b[i, j];
            }
        }
        return m;
    }

    private static double[,] Perturb(double[,] m, int i, int j, double delta)
    {
        var result = (double[,])m.Clone();
        int d = m.GetLength(0);
        result[Math.Min(i, d - 1), Math.Min(j, d - 1)] += delta;
        return result;
    }
}
