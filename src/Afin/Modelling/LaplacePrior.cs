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
            double r = z[i] - Loc[i];
            logp -= Math.Abs(r) / s + Math.Log(2 * s);
            // The kink at r = 0 has measure zero; Math.Sign gives the subgradient 0 there.
            gradient[i] -= Math.Sign(r) / s;
        }
        return logp;
    }

    /// <summary>
    /// The log density with each |r| replaced by its pseudo-Huber smoothing sqrt(r² + w²) - w, w = <paramref name="width"/>
    /// x scale: twice differentiable, within w / scale of the exact value everywhere, and with the exact slope beyond a
    /// few widths of the kink. Adds its gradient, and its curvature's diagonal into <paramref name="curvature"/> unless
    /// that is empty. Newton's method needs it because the exact density has no curvature anywhere but the kink.
    /// </summary>
    internal double AddSmoothedLogDensity(ReadOnlySpan<double> z, Span<double> gradient, Span<double> curvature, double width)
    {
        int d = z.Length;
        double logp = 0;
        for (int i = 0; i < d; i++)
        {
            double s = Scale[i], w = width * s;
            double r = z[i] - Loc[i];
            // Hypot and the ratios below keep every intermediate within range for scales down to NumericLimits.MinScale,
            // where w² and root³ would underflow to 0 and r² might overflow.
            double root = double.Hypot(r, w);
            logp -= (root - w) / s + Math.Log(2 * s);
            gradient[i] -= r / root / s;
            if (!curvature.IsEmpty)
            {
                double k = w / root;
                curvature[i * d + i] += k * k / root / s;
            }
        }
        return logp;
    }

    /// <summary>
    /// The curvature of the prior's pseudo-Huber smoothing with width equal to the scale: 1 / scale² at the kink (where the
    /// exact curvature is an infinite spike) and falling as scale / |r|³ away from it (where the exact one is 0). A
    /// Gaussian approximation of a coordinate that sits at the kink then has the prior's scale as its width when the data
    /// say nothing, and the data's width when they say more.
    /// </summary>
    internal override void AddCurvature(ReadOnlySpan<double> z, Span<double> curvature, CurvatureKind kind)
    {
        int d = z.Length;
        for (int i = 0; i < d; i++)
        {
            double s = Scale[i];
            double r = z[i] - Loc[i];
            // s / root³ as a product of ratios: root³ underflows to 0 for a scale of 1e-150.
            double root = double.Hypot(r, s);
            double k = s / root;
            curvature[i * d + i] += k / root / root;
        }
    }
}
