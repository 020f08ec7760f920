namespace Afin.Modelling;

/// <summary>Independent Gaussian prior z_i ~ N(loc_i, scale_i^2).</summary>
public sealed class GaussianPrior : Prior
{
    private const double HalfLog2Pi = 0.91893853320467274178;

    /// <summary>Creates the prior; <paramref name="loc"/> and <paramref name="scale"/> have length 1 (broadcast) or d.</summary>
    public GaussianPrior(double[] loc, double[] scale) : base(loc)
    {
        Scale = scale ?? throw new ArgumentNullException(nameof(scale));
    }

    /// <summary>Creates a prior with the same location and scale in every coordinate.</summary>
    public GaussianPrior(double loc, double scale) : this([loc], [scale]) { }

    /// <inheritdoc />
    public override string Family => "gaussian";

    /// <summary>The standard deviations (length 1 or d).</summary>
    public double[] Scale { get; }

    internal override DimensionEvidence? ImpliedDimension => DimensionEvidence.LongestVector(("loc", Loc.Length), ("scale", Scale.Length));

    internal override Prior Resolve(int d) =>
        new GaussianPrior(ResolveVector("loc", Loc, d, false), ResolveVector("scale", Scale, d, true));

    internal override void CheckLimits()
    {
        base.CheckLimits();
        Check.ScaleRange("prior.scale", Scale);
    }

    internal override double AddLogDensity(ReadOnlySpan<double> z, Span<double> gradient)
    {
        double logp = 0;
        for (int i = 0; i < z.Length; i++)
        {
            double s = Scale[i];
            double u = (z[i] - Loc[i]) / s;
            logp -= 0.5 * u * u + Math.Log(s) + HalfLog2Pi;
            gradient[i] -= u / s;
        }
        return logp;
    }

    internal override void AddCurvature(ReadOnlySpan<double> z, Span<double> curvature, CurvatureKind kind)
    {
        int d = z.Length;
        for (int i = 0; i < d; i++)
        {
            curvature[i * d + i] += 1 / (Scale[i] * Scale[i]);
        }
    }
}
