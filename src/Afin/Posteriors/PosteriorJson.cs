using System.Text;
using System.Text.Json;
using Afin.Modelling;

namespace Afin.Posteriors;

/// <summary>Writes <see cref="PosteriorReport"/>s and posterior samples in the formats of the <c>afin</c> command line.</summary>
public static class PosteriorJson
{
    /// <summary>The posterior as indented JSON: method, d, mean, std, covariance, runtime_ms, diagnostics.</summary>
    public static string Serialize(PosteriorReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
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
