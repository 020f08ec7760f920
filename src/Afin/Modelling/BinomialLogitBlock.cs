using MathNet.Numerics;

namespace Afin.Modelling;

/// <summary>Aggregated logistic factors y_n ~ Binomial(total_n, sigmoid(x_n . z + offset_n)).</summary>
public sealed class BinomialLogitBlock : LinearBlock
{
    private double[] _logBinomial = [];

    /// <summary>Creates the block; y holds integer counts with 0 &lt;= y_n &lt;= total_n, and <paramref name="totalCount"/> has length 1 (broadcast) or N.</summary>
    public BinomialLogitBlock(double[,] x, double[] y, double[] totalCount) : this(x, y, totalCount, [0.0]) { }

    /// <summary>
    /// Creates the block; y holds integer counts with 0 &lt;= y_n &lt;= total_n, and <paramref name="totalCount"/> and
    /// <paramref name="offset"/> have length 1 (broadcast) or N.
    /// </summary>
    public BinomialLogitBlock(double[,] x, double[] y, double[] totalCount, double[] offset)
        : base(x, y, offset ?? throw new ArgumentNullException(nameof(offset)))
    {
        TotalCount = totalCount ?? throw new ArgumentNullException(nameof(totalCount));
    }

    /// <summary>Creates the block with one number of trials for every row.</summary>
    public BinomialLogitBlock(double[,] x, double[] y, int totalCount) : this(x, y, [totalCount]) { }

    /// <inheritdoc />
    public override string Family => "binomial_logit";

    /// <summary>The numbers of trials (length 1 or N), positive integers.</summary>
    public double[] TotalCount { get; }

    /// <summary>The known offsets added to each row's linear predictor (length 1 or N; N once the problem is created), finite numbers.</summary>
    public double[] Offset => PredictorOffset!;

    internal override ObservationBlock Resolve(int index, int d)
    {
        CheckDesign(index, d);
        var total = ResolvePerRow(index, "total_count", TotalCount, positive: true);
        for (int n = 0; n < total.Length && Count > 0; n++)
        {
            // The log binomial coefficient is computed over int: a larger count would wrap around.
            if (total[n] != Math.Floor(total[n]) || total[n] > int.MaxValue)
            {
                throw new ProblemValidationException(PathOf(index, $"total_count[{n}]"), $"expected a positive integer of at most {int.MaxValue}, got {Check.Format(total[n])}");
            }
        }
        for (int n = 0; n < Y.Length; n++)
        {
            if (Y[n] < 0 || Y[n] != Math.Floor(Y[n]) || Y[n] > total[n])
            {
                throw new ProblemValidationException(PathOf(index, $"y[{n}]"), $"expected an integer count between 0 and total_count = {Check.Format(total[n])}, got {Check.Format(Y[n])}");
            }
        }
        var resolved = new BinomialLogitBlock(ResolvedX(d), (double[])Y.Clone(), total, ResolvedOffset(index)) { Weight = ResolvedWeight(index) };
        resolved._logBinomial = new double[Y.Length];
        for (int n = 0; n < Y.Length; n++)
        {
            resolved._logBinomial[n] = SpecialFunctions.BinomialLn((int)total[n], (int)Y[n]);
        }
        return resolved;
    }

    private protected override double LogFactor(int n, double eta, out double dEta)
    {
        double total = TotalCount[n];
        double softplus = Logistic.SoftplusAndSigmoid(eta, out double sigmoid);
        dEta = Y[n] - total * sigmoid;
        return _logBinomial[n] + Y[n] * eta - total * softplus;
    }

    /// <summary>Σ w_n (log C(n_n, y_n) + y_n eta_n - n_n softplus(eta_n)), values only.</summary>
    private protected override double SumLogFactors(ReadOnlySpan<double> eta) =>
        Logistic.SumLogLikelihood(eta, Y, TotalCount, _logBinomial, Weight);

    /// <summary>total sigmoid(eta)(1 - sigmoid(eta)): observed and expected agree for a canonical link.</summary>
    private protected override double Curvature(int n, double eta, CurvatureKind kind)
    {
        double p = Logistic.Sigmoid(eta);
        return TotalCount[n] * p * (1 - p);
    }
}
