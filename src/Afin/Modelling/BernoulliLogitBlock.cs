namespace Afin.Modelling;

/// <summary>Logistic-regression factors y_n ~ Bernoulli(sigmoid(x_n . z)) with y_n in {0, 1}.</summary>
public sealed class BernoulliLogitBlock : LinearBlock
{
    /// <summary>Creates the block; every label must be 0 or 1.</summary>
    public BernoulliLogitBlock(double[,] x, double[] y) : base(x, y) { }

    /// <inheritdoc />
    public override string Family => "bernoulli_logit";

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
        return new BernoulliLogitBlock(ResolvedX(d), (double[])Y.Clone());
    }

    private protected override double LogFactor(int n, double eta, out double dEta)
    {
        double softplus = Logistic.SoftplusAndSigmoid(eta, out double sigmoid);
        dEta = Y[n] - sigmoid;
        return Y[n] * eta - softplus;
    }

    /// <summary>sigmoid(eta)(1 - sigmoid(eta)): observed and expected agree for a canonical link.</summary>
    private protected override double Curvature(int n, double eta, CurvatureKind kind)
    {
        double p = Logistic.Sigmoid(eta);
        return p * (1 - p);
    }
}
