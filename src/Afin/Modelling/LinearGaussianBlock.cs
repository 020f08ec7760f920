namespace Afin.Modelling;

/// <summary>Linear-Gaussian regression factors y_n ~ N(x_n . z, sigma_n^2).</summary>
public sealed class LinearGaussianBlock : LinearBlock
{
    private const double HalfLog2Pi = 0.91893853320467274178;

    /// <summary>Creates the block; <paramref name="sigma"/> has length 1 (broadcast) or N.</summary>
    public LinearGaussianBlock(double[,] x, double[] y, double[] sigma) : base(x, y)
    {
        Sigma = sigma ?? throw new ArgumentNullException(nameof(sigma));
    }

    /// <summary>Creates the block with one noise scale for every row.</summary>
    public LinearGaussianBlock(double[,] x, double[] y, double sigma) : this(x, y, [sigma]) { }

    /// <inheritdoc />
    public override string Family => "linear_gaussian";

    /// <summary>The noise standard deviations (length 1 or N).</summary>
    public double[] Sigma { get; }

    internal override ObservationBlock Resolve(int index, int d)
    {
        CheckDesign(index, d);
        return new LinearGaussianBlock(ResolvedX(d), (double[])Y.Clone(), ResolvePerRow(index, "sigma", Sigma, positive: true)) { Weight = ResolvedWeight(index) };
    }

    internal override void CheckLimits(int index)
    {
        base.CheckLimits(index);
        CheckResponse(index);
        Check.ScaleRange(PathOf(index, "sigma"), Sigma);
    }

    private protected override double LogFactor(int n, double eta, out double dEta)
    {
        double s = Sigma[n];
        double r = (Y[n] - eta) / s;
        dEta = r / s;
        return -0.5 * r * r - Math.Log(s) - HalfLog2Pi;
    }

    private protected override double Curvature(int n, double eta, CurvatureKind kind) => 1 / (Sigma[n] * Sigma[n]);
}
