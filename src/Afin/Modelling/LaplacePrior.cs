namespace Afin.Modelling;

/// <summary>Independent Laplace prior with density exp(-|z_i - loc_i| / scale_i) / (2 scale_i).</summary>
public sealed class LaplacePrior : Prior
{
    /// <summary>Creates the prior; <paramref name="loc"/> and <paramref name="scale"/> have length 1 (broadcast) or d.</summary>
    public LaplacePrior(double[] loc, double[] scale) : base(loc)
    {
        Scale = scale ?? throw new ArgumentNullException(nameof(scale));
    }

    /// <summary>Creates a prior with the same location and scale in every coordinate.</summary>
    public LaplacePrior(double loc, double scale) : this([loc], [scale]) { }

    /// <inheritdoc />
    public override string Family => "laplace";

    /// <summary>The scales (length 1 or d).</summary>
    public double[] Scale { get; }

    internal override DimensionEvidence? ImpliedDimension => DimensionEvidence.LongestVector(("loc", Loc.Length), ("scale", Scale.Length));

    internal override Prior Resolve(int d) =>
        new LaplacePrior(ResolveVector("loc", Loc, d, false), ResolveVector("scale", Scale, d, true));

    internal override double AddLogDensity(ReadOnlySpan<double> z, Span<double> gradient)
    {
        double logp = 0;
        for (int i = 0; i < z.Length; i++)
        {
            double s = Scale[i];
            double r = z[i] - Loc[i];
            logp -= Math.Abs(r) / s + Math.Log(2 * s);
            // The kink at r = 0 has measure zero; Math.Sign gives the subgradient 0 there.
            gradient[i] -= Math.Sign(r) / s;
        }
        return logp;
    }
}
