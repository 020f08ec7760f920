namespace Afin.Modelling;

/// <summary>Robust regression factors y_n ~ t_df_n(x_n . z, sigma_n).</summary>
public sealed class LinearStudentTBlock : LinearBlock
{
    private double[] _logNormaliser = [];

    /// <summary>Creates the block; <paramref name="sigma"/> and <paramref name="df"/> have length 1 (broadcast) or N.</summary>
    public LinearStudentTBlock(double[,] x, double[] y, double[] sigma, double[] df) : base(x, y)
    {
        Sigma = sigma ?? throw new ArgumentNullException(nameof(sigma));
        Df = df ?? throw new ArgumentNullException(nameof(df));
    }

    /// <summary>Creates the block with one scale and one df for every row.</summary>
    public LinearStudentTBlock(double[,] x, double[] y, double sigma, double df) : this(x, y, [sigma], [df]) { }

    /// <inheritdoc />
    public override string Family => "linear_student_t";

    /// <summary>The noise scales (length 1 or N).</summary>
    public double[] Sigma { get; }

    /// <summary>The degrees of freedom (length 1 or N).</summary>
    public double[] Df { get; }

    internal override ObservationBlock Resolve(int index, int d)
    {
        CheckDesign(index, d);
        var resolved = new LinearStudentTBlock(ResolvedX(d), (double[])Y.Clone(),
            ResolvePerRow(index, "sigma", Sigma, positive: true), ResolvePerRow(index, "df", Df, positive: true)) { Weight = ResolvedWeight(index) };
        resolved._logNormaliser = new double[resolved.Sigma.Length];
        for (int n = 0; n < resolved.Sigma.Length; n++)
        {
            resolved._logNormaliser[n] = StudentTDensity.LogNormaliser(resolved.Sigma[n], resolved.Df[n]);
        }
        return resolved;
    }

    internal override void CheckLimits(int index)
    {
        base.CheckLimits(index);
        CheckResponse(index);
        Check.ScaleRange(PathOf(index, "sigma"), Sigma);
        Check.ScaleRange(PathOf(index, "df"), Df);
        Check.StudentTWidth(PathOf(index, "df"), "sigma", Df, Sigma);
    }

    private protected override double LogFactor(int n, double eta, out double dEta)
    {
        double logp = _logNormaliser[n] + StudentTDensity.LogKernel(Y[n] - eta, Sigma[n], Df[n], out double dR);
        dEta = -dR;
        return logp;
    }

    private protected override double Curvature(int n, double eta, CurvatureKind kind) =>
        StudentTDensity.Curvature(Y[n] - eta, Sigma[n], Df[n], kind);
}
