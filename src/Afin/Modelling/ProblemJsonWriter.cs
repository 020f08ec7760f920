using System.Text.Json;

namespace Afin.Modelling;

/// <summary>Writes a validated problem in the JSON problem format.</summary>
internal static class ProblemJsonWriter
{
    internal static void Write(Utf8JsonWriter writer, BayesianProblem problem)
    {
        writer.WriteStartObject();
        if (problem.Name is not null)
        {
            writer.WriteString("name", problem.Name);
        }
        writer.WriteNumber("d", problem.Dimension);
        writer.WritePropertyName("prior");
        WritePrior(writer, problem.Prior);
        writer.WriteStartArray("observations");
        foreach (var block in problem.Blocks)
        {
            WriteBlock(writer, block);
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WritePrior(Utf8JsonWriter writer, Prior prior)
    {
        writer.WriteStartObject();
        writer.WriteString("family", prior.Family);
        WriteVector(writer, "loc", prior.Loc);
        switch (prior)
        {
            case GaussianPrior g:
                WriteVector(writer, "scale", g.Scale);
                break;
            case StudentTPrior t:
                WriteVector(writer, "scale", t.Scale);
                WriteVector(writer, "df", t.Df);
                break;
            case LaplacePrior l:
                WriteVector(writer, "scale", l.Scale);
                break;
            case FullRankGaussianPrior f:
                WriteMatrix(writer, "precision", f.Precision);
                break;
            default:
                throw new NotSupportedException($"prior family {prior.Family} has no JSON writer");
        }
        writer.WriteEndObject();
    }

    private static void WriteBlock(Utf8JsonWriter writer, ObservationBlock block)
    {
        writer.WriteStartObject();
        writer.WriteString("family", block.Family);
        if (block is LinearBlock linear)
        {
            WriteMatrix(writer, "x", linear.X);
            WriteVector(writer, "y", linear.Y);
        }
        switch (block)
        {
            case LinearGaussianBlock g:
                WriteVector(writer, "sigma", g.Sigma);
                break;
            case LinearStudentTBlock t:
                WriteVector(writer, "sigma", t.Sigma);
                WriteVector(writer, "df", t.Df);
                break;
            case BinomialLogitBlock b:
                WriteVector(writer, "total_count", b.TotalCount);
                WriteOffset(writer, b.Offset);
                break;
            case BernoulliLogitBlock be:
                WriteOffset(writer, be.Offset);
                break;
            case PoissonLogBlock p:
                WriteOffset(writer, p.Offset);
                break;
            case DirectGaussianBlock direct:
                WriteMatrix(writer, "y", direct.Y);
                WriteVector(writer, "sigma", direct.Sigma);
                break;
            default:
                throw new NotSupportedException($"observation family {block.Family} has no JSON writer");
        }
        if (block is LinearBlock { Weight: { } weight })
        {
            WriteVector(writer, "weight", weight);
        }
        writer.WriteEndObject();
    }

    /// <summary>Writes <c>offset</c> only when some row has one, so problems without offsets keep their earlier JSON.</summary>
    private static void WriteOffset(Utf8JsonWriter writer, double[] offset)
    {
        if (offset.Any(o => o != 0))
        {
            WriteVector(writer, "offset", offset);
        }
    }

    internal static void WriteVector(Utf8JsonWriter writer, string name, ReadOnlySpan<double> values)
    {
        writer.WriteStartArray(name);
        foreach (double v in values)
        {
            writer.WriteNumberValue(v);
        }
        writer.WriteEndArray();
    }

    internal static void WriteMatrix(Utf8JsonWriter writer, string name, double[,] matrix)
    {
        writer.WriteStartArray(name);
        for (int i = 0; i < matrix.GetLength(0); i++)
        {
            writer.WriteStartArray();
            for (int j = 0; j < matrix.GetLength(1); j++)
            {
                writer.WriteNumberValue(matrix[i, j]);
            }
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
    }
}
