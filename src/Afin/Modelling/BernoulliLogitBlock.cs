namespace Afin.Modelling;

/// <summary>Logistic-regression factors y_n ~ Bernoulli(sigmoid(x_n . z + offset_n)) with y_n in {0, 1}.</summary>
public sealed class BernoulliLogitBlock : LinearBlock
{
    /// <summary>Creates the block without offsets; every label must be 0 or 1.</summary>
    public BernoulliLogitBlock(double[,] x, double[] y) : this(x, y, [0.0]) { }

    /// <summary>Creates the block; every label must be 0 or 1, and <paramref name="offset"/> has length 1 (broadcast) or N.</summary>
    public BernoulliLogitBlock(double[,] x, double[] y, double[] offset)
        : base(x, y, offset ?? throw new ArgumentNullException(nameof(offset))) { }

    /// <inheritdoc />
    public override string Family => "bernoulli_logit";

    /// <summary>The known offsets added to each row's linear predictor (length 1 or N; N once the problem is created), finite numbers.</summary>
    public double[] Offset => PredictorOffset!;

    internal override ObservationBlock Resolve(int index, int d)
    {
        CheckDesign(index, d);
        for (int n = 0; n < Y.Length; n++)
        {
            if (Y[n] != 0 && Y[n] != 1)
            {
                throw new ProblemValidationException(PathOf(index, $"y[{n}]"), $"expected 0 or 1, got {Check.Format(Y[n])}");
            }
        }
        return new BernoulliLogitBlock(ResolvedX(d), (double[])Y.Clone(), ResolvedOffset(index)) { Weight = ResolvedWeight(index) };
    }

    private protected override double LogFactor(int n, double eta, out double dEta)
    {
        double softplus = Logistic.SoftplusAndSigmoid(eta, out double sigmoid);
        dEta = Y[n] - sigmoid;
        return Y[n] * eta - softplus;
    }

    /// <summary>Σ w_n (y_n eta_n - softplus(eta_n)), values only (the importance weights' hot loop).</summary>
    private protected override double SumLogFactors(ReadOnlySpan<double> eta) =>
        Logistic.SumLogLikelihood(eta, Y, total: null, constant: null, Weight);

    /// <summary>sigmoid(eta)(1 - sigmoid(eta)): observed and expected agree for a canonical link.</summary>
    private protected override double Curvature(int n, double eta, CurvatureKind kind)
    {
        double p = Logistic.Sigmoid(eta);
        return p * (1 - p);
    }
}
