using System.Text.Json;

namespace Afin.Modelling;

/// <summary>Strict typed access to the fields of one JSON object, with error messages that carry the field path.</summary>
internal readonly struct JsonFields
{
    private readonly JsonElement _element;
    private readonly string _path;

    internal JsonFields(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new ProblemValidationException(path.Length == 0 ? "(document)" : path, $"expected an object, got {Describe(element)}");
        }
        _element = element;
        _path = path;
    }

    /// <summary>The path of a field of this object; the root object has the empty path.</summary>
    private string Join(string name) => _path.Length == 0 ? name : $"{_path}.{name}";

    internal void AllowOnly(params string[] names)
    {
        foreach (var property in _element.EnumerateObject())
        {
            if (Array.IndexOf(names, property.Name) < 0)
            {
                throw new ProblemValidationException(Join(property.Name), $"unknown field; expected only {string.Join(", ", names)}");
            }
        }
    }

    internal bool TryGet(string name, out JsonElement value) =>
        _element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    internal JsonElement Required(string name) =>
        TryGet(name, out var value) ? value : throw new ProblemValidationException(Join(name), "is required");

    internal string RequiredString(string name)
    {
        var value = Required(name);
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new ProblemValidationException(Join(name), $"expected a string, got {Describe(value)}");
    }

    internal string? OptionalString(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new ProblemValidationException(Join(name), $"expected a string, got {Describe(value)}");
    }

    internal int? OptionalInteger(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int result)
            ? result
            : throw new ProblemValidationException(Join(name), $"expected an integer, got {Describe(value)}");
    }

    internal JsonFields RequiredObject(string name) => new(Required(name), Join(name));

    /// <summary>An optional scalar or array of numbers, as <see cref="Vector"/>; null when absent.</summary>
    internal double[]? OptionalVector(string name) => TryGet(name, out _) ? Vector(name) : null;

    /// <summary>A required scalar or array of numbers; a scalar becomes a length-1 array (broadcast later).</summary>
    internal double[] Vector(string name)
    {
        var value = Required(name);
        string path = Join(name);
        if (value.ValueKind == JsonValueKind.Number)
        {
            // TryGetDouble, not GetDouble: a literal beyond double's range (1e400) must be a validation error, not a FormatException.
            return value.TryGetDouble(out double number) && double.IsFinite(number)
                ? [number]
                : throw new ProblemValidationException(path, $"expected a finite number, got {Describe(value)}");
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new ProblemValidationException(path, $"expected a number or an array of numbers, got {Describe(value)}");
        }
        return Numbers(value, path);
    }

    /// <summary>A required array of equal-length numeric rows.</summary>
    internal double[,] Matrix(string name, int? columns)
    {
        var value = Required(name);
        string path = Join(name);
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new ProblemValidationException(path, $"expected an array of rows (arrays of numbers), got {Describe(value)}");
        }
        var rows = new List<double[]>();
        int i = 0;
        foreach (var row in value.EnumerateArray())
        {
            string rowPath = $"{path}[{i}]";
            if (row.ValueKind != JsonValueKind.Array)
            {
                throw new ProblemValidationException(rowPath, $"expected a row (an array of numbers), got {Describe(row)}");
            }
            var numbers = Numbers(row, rowPath);
            columns ??= numbers.Length;
            if (numbers.Length != columns)
            {
                throw new ProblemValidationException(rowPath, $"expected {columns} values like the rows before it, got {numbers.Length}");
            }
            rows.Add(numbers);
            i++;
        }
        var matrix = new double[rows.Count, columns ?? 0];
        for (int r = 0; r < rows.Count; r++)
        {
            for (int c = 0; c < rows[r].Length; c++)
            {
                matrix[r, c] = rows[r][c];
            }
        }
        return matrix;
    }

    private static double[] Numbers(JsonElement array, string path)
    {
        var result = new double[array.GetArrayLength()];
        int i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetDouble(out result[i]) || !double.IsFinite(result[i]))
            {
                throw new ProblemValidationException($"{path}[{i}]", $"expected a finite number, got {Describe(item)}");
            }
            i++;
        }
        return result;
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{value.GetString()}\"",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        _ => "null",
    };
}
