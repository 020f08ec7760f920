using System.Text.Json;
using Afin.Modelling;

namespace Afin.Prediction;

/// <summary>
/// Reads new rows from JSON: <c>{"x": [[...], ...], "offset": ..., "total_count": ..., "sigma": ..., "df": ..., "y": [...]}</c>,
/// where every field but <c>x</c> is optional and each per-row field is a number (for all rows) or an array (one per row).
/// Strict: unknown fields, ragged rows and non-numbers are refused with their path (<c>rows.x[2][1]</c>).
/// </summary>
public static class PredictionRowsJson
{
    private static readonly string[] Fields = ["x", "offset", "total_count", "sigma", "df", "y"];

    /// <summary>Parses rows from JSON text.</summary>
    /// <exception cref="ProblemValidationException">The text is not valid rows JSON; the message names the place.</exception>
    public static PredictionRows Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ProblemValidationException("rows", $"not valid JSON ({e.Message})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ProblemValidationException("rows", $"expected an object with an \"x\" field, got {root.ValueKind}");
            }
            foreach (var property in root.EnumerateObject().Where(p => !Fields.Contains(p.Name)))
            {
                throw new ProblemValidationException($"rows.{property.Name}", $"unknown field (expected {string.Join(", ", Fields)})");
            }
            if (!root.TryGetProperty("x", out var x))
            {
                throw new ProblemValidationException("rows.x", "required: the new rows' design, an array of rows");
            }
            return new PredictionRows
            {
                X = Matrix(x),
                Offset = PerRow(root, "offset"),
                TotalCount = PerRow(root, "total_count"),
                Sigma = PerRow(root, "sigma"),
                Df = PerRow(root, "df"),
                Y = PerRow(root, "y"),
            };
        }
    }

    /// <summary>Reads rows from a file.</summary>
    /// <exception cref="ProblemValidationException">The file's content is not valid rows JSON.</exception>
    public static PredictionRows Load(string path) => Parse(File.ReadAllText(path));

    private static double[,] Matrix(JsonElement x)
    {
        if (x.ValueKind != JsonValueKind.Array)
        {
            throw new ProblemValidationException("rows.x", $"expected an array of rows, got {x.ValueKind}");
        }
        var rows = x.EnumerateArray().ToArray();
        int width = rows.Length == 0 ? 0 : RowWidth(rows[0], 0);
        var matrix = new double[rows.Length, width];
        for (int i = 0; i < rows.Length; i++)
        {
            if (RowWidth(rows[i], i) != width)
            {
                throw new ProblemValidationException($"rows.x[{i}]", $"expected {width} values like row 0, got {rows[i].GetArrayLength()}");
            }
            int j = 0;
            foreach (var value in rows[i].EnumerateArray())
            {
                matrix[i, j] = Number(value, $"rows.x[{i}][{j}]");
                j++;
            }
        }
        return matrix;
    }

    private static int RowWidth(JsonElement row, int index) => row.ValueKind == JsonValueKind.Array
        ? row.GetArrayLength()
        : throw new ProblemValidationException($"rows.x[{index}]", $"expected an array of numbers, got {row.ValueKind}");

    private static double[]? PerRow(JsonElement root, string field)
    {
        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind == JsonValueKind.Number)
        {
            return [Number(value, $"rows.{field}")];
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new ProblemValidationException($"rows.{field}", $"expected a number or an array of numbers, got {value.ValueKind}");
        }
        return value.EnumerateArray().Select((v, i) => Number(v, $"rows.{field}[{i}]")).ToArray();
    }

    private static double Number(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double number)
            ? number
            : throw new ProblemValidationException(path, $"expected a number, got {(value.ValueKind == JsonValueKind.String ? $"\"{value.GetString()}\"" : value.ValueKind.ToString())}");
}
