namespace Afin.Modelling;

/// <summary>
/// The prior factor of a <see cref="BayesianProblem"/>. Vector arguments may be given as a single
/// value, which is broadcast to every coordinate once the problem's dimension is known.
/// </summary>
public abstract class Prior
{
    private protected Prior(double[] loc)
    {
        Loc = loc ?? throw new ArgumentNullException(nameof(loc));
    }

    /// <summary>The family name used in the JSON format, e.g. <c>gaussian</c>.</summary>
    public abstract string Family { get; }

    /// <summary>The location vector (length 1 or d).</summary>
    public double[] Loc { get; }

    /// <summary>The dimension this prior fixes on its own and which field fixes it, or null when all its vectors are scalars.</summary>
    internal virtual DimensionEvidence? ImpliedDimension => DimensionEvidence.LongestVector(("loc", Loc.Length));

    /// <summary>Checks every field for dimension <paramref name="d"/> and returns a copy with all vectors of length d.</summary>
    internal abstract Prior Resolve(int d);

    /// <summary>
    /// Checks that the resolved prior's numbers lie within <see cref="NumericLimits"/>; a derived class adds its own fields.
    /// Separate from <see cref="Resolve"/> because a problem derived from a valid one (the canonical twin) may go beyond
    /// them and still be sound.
    /// </summary>
    internal virtual void CheckLimits() => Check.Magnitude("prior.loc", Loc);

    /// <summary>Adds log p(z) to the result and its gradient into <paramref name="gradient"/>.</summary>
    internal abstract double AddLogDensity(ReadOnlySpan<double> z, Span<double> gradient);

    /// <summary>
    /// Adds the prior's curvature at z (-d²/dz² log p(z), or its Fisher information for <see cref="CurvatureKind.Expected"/>)
    /// into the lower triangle (j &lt;= i) of the row-major d x d matrix <paramref name="curvature"/>.
    /// </summary>
    internal abstract void AddCurvature(ReadOnlySpan<double> z, Span<double> curvature, CurvatureKind kind);

    private protected double[] ResolveVector(string field, double[] values, int d, bool positive)
    {
        string path = $"prior.{field}";
        Check.BroadcastLength(path, values.Length, d, "coordinate");
        if (positive)
        {
            Check.Positive(path, values);
        }
        else
        {
            Check.Finite(path, values);
        }
        return Check.Broadcast(values, d);
    }
}
