using Microsoft.ML;
using Microsoft.ML.Data;

namespace Afin.MLNet.Mapping;

/// <summary>The kinds of input column: text (scalar or vector) and numbers (float or double, scalar or vector).</summary>
internal enum InputKind
{
    Text,
    Numbers,
}

/// <summary>One configured input column: its role, its name and whether a problem can do without it.</summary>
internal sealed record InputSpec(string Role, string Name, InputKind Kind, bool Required);

/// <summary>
/// The input columns of the transformer, their expected types and the checks that run on a schema
/// (DataViewSchema or SchemaShape) before any data flows.
/// </summary>
internal static class InputColumns
{
    internal static IReadOnlyList<InputSpec> Specs(AfinPosteriorOptions o) =>
    [
        new("PriorFamily", o.PriorFamilyColumn, InputKind.Text, false),
        new("PriorLoc", o.PriorLocColumn, InputKind.Numbers, true),
        new("PriorScale", o.PriorScaleColumn, InputKind.Numbers, false),
        new("PriorPrecision", o.PriorPrecisionColumn, InputKind.Numbers, false),
        new("PriorDf", o.PriorDfColumn, InputKind.Numbers, false),
        new("LikelihoodFamily", o.LikelihoodFamilyColumn, InputKind.Text, false),
        new("X", o.XColumn, InputKind.Numbers, false),
        new("Y", o.YColumn, InputKind.Numbers, false),
        new("NoiseScale", o.NoiseScaleColumn, InputKind.Numbers, false),
        new("Df", o.DfColumn, InputKind.Numbers, false),
        new("TotalCount", o.TotalCountColumn, InputKind.Numbers, false),
        new("Offset", o.OffsetColumn, InputKind.Numbers, false),
        new("Weight", o.WeightColumn, InputKind.Numbers, false),
    ];

    /// <summary>Whether an item type fits the kind.</summary>
    internal static bool Accepts(InputKind kind, DataViewType itemType) => kind switch
    {
        InputKind.Text => itemType is TextDataViewType,
        _ => itemType == NumberDataViewType.Single || itemType == NumberDataViewType.Double,
    };

    internal static string Expected(InputKind kind) => kind == InputKind.Text
        ? "Text or a vector of Text"
        : "a vector of Single or Double (or a Single or Double scalar)";

    /// <summary>Checks the columns of a data schema; returns the column of each role, null where an optional column is absent.</summary>
    internal static Dictionary<string, DataViewSchema.Column?> Bind(AfinPosteriorOptions options, DataViewSchema schema)
    {
        var result = new Dictionary<string, DataViewSchema.Column?>();
        foreach (var spec in Specs(options))
        {
            var column = schema.GetColumnOrNull(spec.Name);
            if (column is null)
            {
                if (spec.Required)
                {
                    throw MissingColumn(spec);
                }
                result[spec.Role] = null;
                continue;
            }
            var itemType = column.Value.Type is VectorDataViewType v ? v.ItemType : column.Value.Type;
            if (!Accepts(spec.Kind, itemType))
            {
                throw Mismatch(spec, column.Value.Type.ToString() ?? "?");
            }
            result[spec.Role] = column;
        }
        return result;
    }

    /// <summary>The same checks on a <see cref="SchemaShape"/> (estimator validation before fitting).</summary>
    internal static void Check(AfinPosteriorOptions options, SchemaShape shape)
    {
        foreach (var spec in Specs(options))
        {
            var found = shape.Where(c => c.Name == spec.Name).ToList();
            if (found.Count == 0)
            {
                if (spec.Required)
                {
                    throw MissingColumn(spec);
                }
                continue;
            }
            var column = found[^1];
            if (column.IsKey || !Accepts(spec.Kind, column.ItemType))
            {
                string kind = column.Kind == SchemaShape.Column.VectorKind.Scalar ? "" : "vector of ";
                throw Mismatch(spec, kind + column.ItemType);
            }
        }
    }

    private static ArgumentOutOfRangeException MissingColumn(InputSpec spec) =>
        new("inputSchema", $"AfinPosterior: input column '{spec.Name}' ({spec.Role}) not found; expected {Expected(spec.Kind)}");

    private static ArgumentOutOfRangeException Mismatch(InputSpec spec, string actual) =>
        new("inputSchema", $"AfinPosterior: schema mismatch for input column '{spec.Name}' ({spec.Role}): expected {Expected(spec.Kind)}, got {actual}");
}
