namespace Afin.Modelling;

/// <summary>
/// Laplace-error regression factors y_n ~ Laplace(x_n . z, scale_n), density exp(-|y_n - x_n . z| / scale_n) / (2 scale_n).
/// Internal for now: it is how a Laplace prior's coordinates enter a problem in whitened canonical coordinates
/// (<see cref="Afin.Canonical.LatentCoordinates.Full"/>), where they are no longer axis-aligned.
/// </summary>
internal sealed class LinearLaplaceBlock : LinearBlock
{
    /// <summary>Creates the block; <paramref name="scale"/> has length 1 (broadcast) or N.</summary>
    public LinearLaplaceBlock(double[,] x, double[] y, double[] scale) : base(x, y)
    {
        Scale = scale ?? throw new ArgumentNullException(nameof(scale));
    }

    /// <inheritdoc />
    public override string Family => "linear_laplace";

    /// <summary>The error scales (length 1 or N).</summary>
    public double[] Scale { get; }

    internal override ObservationBlock Resolve(int index, int d)
    {
        CheckDesign(index, d);
        return new LinearLaplaceBlock(ResolvedX(d), (double[])Y.Clone(), ResolvePerRow(index, "scale", Scale, positive: true)) { Weight = ResolvedWeight(index) };
    }

    internal override void CheckLimits(int index)
    {
        base.CheckLimits(index);
        CheckResponse(index);
        Check.ScaleRange(PathOf(index, "scale"), Scale);
    }

    private protected override double LogFactor(int n, double eta, out double dEta)
    {
        double b = Scale[n];
        double r = Y[n] - eta;
        // The kink at r = 0 has measure zero; Math.Sign gives the subgradient 0 there.
        dEta = Math.Sign(r) / b;
        return -Math.Abs(r) / b - Math.Log(2 * b);
    }

    /// <summary>The same scale-wide pseudo-Huber curvature as <see cref="LaplacePrior.AddCurvature"/>.</summary>
    private protected override double Curvature(int n, double eta, CurvatureKind kind)
    {
        double b = Scale[n];
        double r = Y[n] - eta;
        // b / root³ as a product of ratios, as LaplacePrior.AddCurvature does: root³ underflows to 0 for a scale of 1e-150.
        double root = double.Hypot(r, b);
        double k = b / root;
        return k / root / root;
    }
}
