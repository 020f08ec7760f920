using MathNet.Numerics;

namespace Afin.Modelling;

/// <summary>
/// Poisson regression factors y_n ~ Poisson(exp(x_n . z + offset_n)) with y_n a non-negative integer count: the log
/// link, with the offset where a count's exposure goes (offset_n = log exposure_n, so the rate is per unit exposure).
/// </summary>
/// <remarks>
/// A predictor above about 709 makes exp overflow: the factor is then -∞ (its true value is below -1e308), which the
/// Laplace line search rejects as a trial point and NUTS counts as a divergence.
/// </remarks>
public sealed class PoissonLogBlock : LinearBlock
{
    /// <summary>The largest count accepted: above 2^53 a double no longer holds every integer, so a count is not exact.</summary>
    private const double MaxCount = 9007199254740992;

    private double[] _logFactorial = [];

    /// <summary>Creates the block without offsets (every exposure 1); every y_n must be a non-negative integer.</summary>
    public PoissonLogBlock(double[,] x, double[] y) : this(x, y, [0.0]) { }

    /// <summary>
    /// Creates the block; every y_n must be a non-negative integer, and <paramref name="offset"/> (typically the log of
    /// each row's exposure) has length 1 (broadcast) or N.
    /// </summary>
    public PoissonLogBlock(double[,] x, double[] y, double[] offset)
        : base(x, y, offset ?? throw new ArgumentNullException(nameof(offset))) { }

    /// <inheritdoc />
    public override string Family => "poisson_log";

    /// <summary>The known offsets added to each row's linear predictor (length 1 or N; N once the problem is created), finite numbers.</summary>
    public double[] Offset => PredictorOffset!;

    internal override ObservationBlock Resolve(int index, int d)
    {
        CheckDesign(index, d);
        for (int n = 0; n < Y.Length; n++)
        {
            if (Y[n] < 0 || Y[n] != Math.Floor(Y[n]) || Y[n] > MaxCount)
            {
                throw new ProblemValidationException(PathOf(index, $"y[{n}]"), $"expected a non-negative integer, got {Check.Format(Y[n])}");
            }
        }
        var resolved = new PoissonLogBlock(ResolvedX(d), (double[])Y.Clone(), ResolvedOffset(index)) { Weight = ResolvedWeight(index) };
        // log y! is the same at every z: computed once here, as the binomial coefficient is, since GammaLn is slow.
        resolved._logFactorial = Y.Select(y => SpecialFunctions.GammaLn(y + 1)).ToArray();
        return resolved;
    }

    private protected override double LogFactor(int n, double eta, out double dEta)
    {
        double mean = Math.Exp(eta);
        dEta = Y[n] - mean;
        return Y[n] * eta - mean - _logFactorial[n];
    }

    /// <summary>exp(eta), the Poisson mean: observed and expected agree for a canonical link.</summary>
    private protected override double Curvature(int n, double eta, CurvatureKind kind) => Math.Exp(eta);
}
