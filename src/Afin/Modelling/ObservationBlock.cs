namespace Afin.Modelling;

/// <summary>
/// A block of N observed likelihood factors of one family. A problem holds any number of blocks,
/// possibly of different families; per-row arguments (sigma, df, total count, offset) may be given as a
/// single value, broadcast to every row.
/// </summary>
public abstract class ObservationBlock
{
    /// <summary>The family name used in the JSON format, e.g. <c>linear_gaussian</c>.</summary>
    public abstract string Family { get; }

    /// <summary>The number of likelihood factors (rows) in the block.</summary>
    public abstract int Count { get; }

    /// <summary>The dimension this block fixes and which field fixes it, or null when it has no rows.</summary>
    internal abstract DimensionEvidence? ImpliedDimension { get; }

    /// <summary>Validates the block as observation <paramref name="index"/> of a d-dimensional problem and returns a copy with per-row vectors expanded.</summary>
    internal abstract ObservationBlock Resolve(int index, int d);

    /// <summary>
    /// Checks that the resolved block's numbers lie within <see cref="NumericLimits"/>, as observation <paramref name="index"/>.
    /// Separate from <see cref="Resolve"/> because a block derived from a valid one (in the canonical twin) may go beyond
    /// them and still be sound.
    /// </summary>
    internal abstract void CheckLimits(int index);

    /// <summary>Adds the block's log likelihood to the result and its gradient into <paramref name="gradient"/>.</summary>
    internal abstract double AddLogLikelihood(ReadOnlySpan<double> z, Span<double> gradient);

    /// <summary>
    /// Adds the block's log likelihood at each of <paramref name="count"/> points (the rows of a row-major count x d span)
    /// to <paramref name="logDensities"/>, values only: the importance weights' inner loop. Blocks with a faster batched
    /// form override this; the default evaluates one point after another.
    /// </summary>
    internal virtual void AddLogLikelihoods(ReadOnlySpan<double> points, int count, Span<double> logDensities)
    {
        int d = points.Length / Math.Max(1, count);
        Span<double> scratch = d <= 256 ? stackalloc double[d] : new double[d];
        for (int b = 0; b < count; b++)
        {
            logDensities[b] += AddLogLikelihood(points.Slice(b * d, d), scratch);
        }
    }

    /// <summary>
    /// Adds the block's curvature at z (-d²/dz² of its log likelihood, or its Fisher information for
    /// <see cref="CurvatureKind.Expected"/>) into the lower triangle (j &lt;= i) of the row-major d x d matrix <paramref name="curvature"/>.
    /// </summary>
    internal abstract void AddCurvature(ReadOnlySpan<double> z, Span<double> curvature, CurvatureKind kind);

    /// <summary>
    /// The first row whose log likelihood, its gradient or its curvature is not finite at z, and what that row computes
    /// there, in words; null when every row's is finite. Lets a method that finds the problem overflowing name the row.
    /// </summary>
    internal abstract (int Row, string Detail)? FirstNonFiniteRow(ReadOnlySpan<double> z);

    /// <summary>The path prefix used in validation messages.</summary>
    private protected string PathOf(int index, string field) => $"observations[{index}].{field}";

    /// <summary>Validates and expands a per-row argument given as a scalar or one value per row.</summary>
    private protected double[] ResolvePerRow(int index, string field, double[] values, bool positive)
    {
        string path = PathOf(index, field);
        Check.BroadcastLength(path, values.Length, Count, "row");
        if (positive)
        {
            Check.Positive(path, values);
        }
        else
        {
            Check.Finite(path, values);
        }
        return Check.Broadcast(values, Math.Max(Count, 1));
    }
}
