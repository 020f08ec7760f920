namespace Afin.Modelling;

/// <summary>
/// What fixes a problem's dimension d, in words, so that a disagreement can name both sides plainly
/// (e.g. "prior: its loc has 4 entries (d = 4), but the problem's 'd' field says d = 3").
/// </summary>
/// <param name="Dimension">The d implied.</param>
/// <param name="Reason">The field and its size, worded to follow a possessive: "loc has 4 entries", "x has 3 columns".</param>
internal sealed record DimensionEvidence(int Dimension, string Reason)
{
    /// <summary>The evidence of the longest vector longer than 1 (the first such one on ties), or null when all are scalars.</summary>
    internal static DimensionEvidence? LongestVector(params (string Field, int Length)[] vectors)
    {
        var longest = vectors.Where(v => v.Length > 1).OrderByDescending(v => v.Length).FirstOrDefault();
        return longest.Length > 1 ? new DimensionEvidence(longest.Length, $"{longest.Field} has {longest.Length} entries") : null;
    }

    /// <summary>The evidence of a matrix whose column count is d (a design x or direct observations y).</summary>
    internal static DimensionEvidence Columns(string field, int columns) => new(columns, $"{field} has {columns} columns");
}
