using System.Text;
using System.Text.Json;
using Afin.Modelling;

namespace Afin.Posteriors;

/// <summary>Writes <see cref="PosteriorReport"/>s and posterior samples in the formats of the <c>afin</c> command line.</summary>
public static class PosteriorJson
{
    /// <summary>The posterior as indented JSON: method, d, mean, std, covariance, runtime_ms, diagnostics.</summary>
    /// <exception cref="InvalidOperationException">
    /// A number of the report is infinite or NaN, which JSON cannot hold; the message names the field. Nothing is
    /// written, so a caller that writes the text only after this returns never leaves a broken file.
    /// </exception>
    public static string Serialize(PosteriorReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        CheckFinite(report);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions
        {
            Indented = true,
            // The default encoder escapes '+' ("afin\u002Bsnis"); the output is a file or a pipe, never HTML, so plain text is safe.
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }))
        {
            writer.WriteStartObject();
            writer.WriteString("method", report.Method);
            writer.WriteNumber("d", report.Dimension);
            ProblemJsonWriter.WriteVector(writer, "mean", report.Mean);
            ProblemJsonWriter.WriteVector(writer, "std", report.StdDev);
            ProblemJsonWriter.WriteMatrix(writer, "covariance", report.Covariance);
            writer.WriteNumber("runtime_ms", Math.Round(report.RuntimeMilliseconds, 4));
            writer.WritePropertyName("diagnostics");
            JsonSerializer.Serialize(writer, report.Diagnostics);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + Environment.NewLine;
    }

    /// <summary>
    /// Finds a number JSON cannot hold before anything is written: Utf8JsonWriter would otherwise throw halfway with a
    /// message about .NET number values that names neither the field nor the method that produced it.
    /// </summary>
    private static void CheckFinite(PosteriorReport report)
    {
        for (int i = 0; i < report.Mean.Length; i++)
        {
            Finite(report, $"mean[{i}]", report.Mean[i]);
        }
        for (int i = 0; i < report.Covariance.GetLength(0); i++)
        {
            for (int j = 0; j < report.Covariance.GetLength(1); j++)
            {
                Finite(report, $"covariance[{i}][{j}]", report.Covariance[i, j]);
            }
        }
        var std = report.StdDev;
        for (int i = 0; i < std.Length; i++)
        {
            Finite(report, $"std[{i}]", std[i]);
        }
        Finite(report, "runtime_ms", report.RuntimeMilliseconds);
        foreach (var (name, value) in report.Diagnostics)
        {
            FiniteValue(report, $"diagnostics.{name}", value);
        }
    }

    /// <summary>Walks a diagnostics value: a number, or a dictionary or sequence of values; strings and booleans are always writable.</summary>
    private static void FiniteValue(PosteriorReport report, string path, object? value)
    {
        switch (value)
        {
            case double number:
                Finite(report, path, number);
                break;
            case float single:
                Finite(report, path, single);
                break;
            case string:
                break;
            case System.Collections.IDictionary dictionary:
                foreach (System.Collections.DictionaryEntry entry in dictionary)
                {
                    FiniteValue(report, $"{path}.{entry.Key}", entry.Value);
                }
                break;
            case System.Collections.IEnumerable items:
                int index = 0;
                foreach (object? item in items)
                {
                    FiniteValue(report, $"{path}[{index++}]", item);
                }
                break;
        }
    }

    private static void Finite(PosteriorReport report, string path, double value)
    {
        if (!double.IsFinite(value))
        {
            throw new InvalidOperationException(
                $"the {report.Method} posterior's {path} is {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}, which JSON cannot hold; nothing was written");
        }
    }

    /// <summary>Writes draws as CSV, one draw per line, with a header z0..z(d-1).</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="draws">S x d draws.</param>
    public static void WriteSamplesCsv(TextWriter writer, double[,] draws)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(draws);
        int d = draws.GetLength(1);
        writer.WriteLine(string.Join(',', Enumerable.Range(0, d).Select(i => $"z{i}")));
        var line = new StringBuilder();
        for (int s = 0; s < draws.GetLength(0); s++)
        {
            line.Clear();
            for (int i = 0; i < d; i++)
            {
                if (i > 0)
                {
                    line.Append(',');
                }
                line.Append(draws[s, i].ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            }
            writer.WriteLine(line);
        }
    }
}
