namespace Afin.Modelling;

/// <summary>Independent Student-t prior z_i ~ t_df_i(loc_i, scale_i).</summary>
public sealed class StudentTPrior : Prior
{
    /// <summary>Creates the prior; each vector has length 1 (broadcast) or d.</summary>
    public StudentTPrior(double[] loc, double[] scale, double[] df) : base(loc)
    {
        Scale = scale ?? throw new ArgumentNullException(nameof(scale));
        Df = df ?? throw new ArgumentNullException(nameof(df));
    }

    /// <summary>Creates a prior with the same arguments in every coordinate.</summary>
    public StudentTPrior(double loc, double scale, double df) : this([loc], [scale], [df]) { }

    /// <inheritdoc />
    public override string Family => "student_t";

    /// <summary>The scales (length 1 or d).</summary>
    public double[] Scale { get; }

    /// <summary>The degrees of freedom (length 1 or d).</summary>
    public double[] Df { get; }

    internal override DimensionEvidence? ImpliedDimension =>
        DimensionEvidence.LongestVector(("loc", Loc.Length), ("scale", Scale.Length), ("df", Df.Length));

    private double _logNormaliser;

    internal override Prior Resolve(int d)
    {
        var resolved = new StudentTPrior(
            ResolveVector("loc", Loc, d, false), ResolveVector("scale", Scale, d, true), ResolveVector("df", Df, d, true));
        for (int i = 0; i < d; i++)
        {
            resolved._logNormaliser += StudentTDensity.LogNormaliser(resolved.Scale[i], resolved.Df[i]);
        }
        return resolved;
    }

    internal override void CheckLimits()
    {
        base.CheckLimits();
        Check.ScaleRange("prior.scale", Scale);
        Check.ScaleRange("prior.df", Df);
        Check.StudentTWidth("prior.df", "scale", Df, Scale);
    }

    internal override double AddLogDensity(ReadOnlySpan<double> z, Span<double> gradient)
    {
        double logp = _logNormaliser;
        for (int i = 0; i < z.Length; i++)
        {
            logp += StudentTDensity.LogKernel(z[i] - Loc[i], Scale[i], Df[i], out double dr);
            gradient[i] += dr;
        }
        return logp;
    }

    internal override void AddCurvature(ReadOnlySpan<double> z, Span<double> curvature, CurvatureKind kind)
    {
        int d = z.Length;
        for (int i = 0; i < d; i++)
        {
            curvature[i * d + i] += StudentTDensity.Curvature(z[i] - Loc[i], Scale[i], Df[i], kind);
        }
    }
}
