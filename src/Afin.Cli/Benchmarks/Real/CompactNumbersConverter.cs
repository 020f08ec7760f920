using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Afin.Cli.Benchmarks.Real;

/// <summary>
/// Writes a <c>double[]</c> on one line with <see cref="Digits"/> significant digits (a covariance row per line keeps
/// the committed reference file small and readable); reads any JSON number array.
/// </summary>
internal sealed class CompactNumbersConverter : JsonConverter<double[]>
{
    /// <summary>Significant digits kept: far below the references' Monte Carlo error.</summary>
    internal const int Digits = 10;

    public override double[]? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var values = new List<double>();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("expected an array of numbers");
        }
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            values.Add(reader.TokenType == JsonTokenType.String
                ? double.Parse(reader.GetString()!, CultureInfo.InvariantCulture)
                : reader.GetDouble());
        }
        return values.ToArray();
    }

    public override void Write(Utf8JsonWriter writer, double[] value, JsonSerializerOptions options) =>
        writer.WriteRawValue(Line(value), skipInputValidation: true);

    /// <summary>The array on one line.</summary>
    internal static string Line(double[] value) => "[" + string.Join(", ", value.Select(Format)) + "]";

    /// <summary>A finite number with <see cref="Digits"/> digits, or a quoted NaN / Infinity.</summary>
    private static string Format(double value) =>
        double.IsFinite(value) ? value.ToString($"G{Digits}", CultureInfo.InvariantCulture) : $"\"{value.ToString(CultureInfo.InvariantCulture)}\"";
}

/// <summary>Writes a <c>double[][]</c> one row per line (see <see cref="CompactNumbersConverter"/>), indented for a property of the reference file's problems.</summary>
internal sealed class CompactRowsConverter : JsonConverter<double[][]>
{
    private static readonly CompactNumbersConverter Row = new();

    public override double[][]? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var rows = new List<double[]>();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("expected an array of number arrays");
        }
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            rows.Add(Row.Read(ref reader, typeof(double[]), options)!);
        }
        return rows.ToArray();
    }

    public override void Write(Utf8JsonWriter writer, double[][] value, JsonSerializerOptions options) =>
        writer.WriteRawValue("[\n        " + string.Join(",\n        ", value.Select(CompactNumbersConverter.Line)) + "\n      ]", skipInputValidation: true);
}
