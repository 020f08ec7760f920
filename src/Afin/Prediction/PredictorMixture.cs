namespace Afin.Prediction;

/// <summary>
/// The posterior of one row's linear predictor eta = x·z + offset as a weighted set of points: the row's value at each
/// posterior draw (equal weights), or Gauss-Hermite nodes of its Gaussian. Every predictive summary is an average over it.
/// </summary>
internal sealed class PredictorMixture
{
    /// <summary>Points kept for quantile searches, whose every step evaluates a CDF at each point.</summary>
    private const int QuantilePoints = 128;

    private PredictorMixture(double[] values, double[] weights)
    {
        Values = values;
        Weights = weights;
    }

    public double[] Values { get; }

    public double[] Weights { get; }

    /// <summary>The row's predictor at each draw (rows of <paramref name="draws"/>), equally weighted.</summary>
    public static PredictorMixture FromDraws(double[,] draws, double[,] x, int row, double offset)
    {
        int count = draws.GetLength(0), d = draws.GetLength(1);
        var values = new double[count];
        for (int s = 0; s < count; s++)
        {
            double eta = offset;
            for (int j = 0; j < d; j++)
            {
                eta += x[row, j] * draws[s, j];
            }
            values[s] = eta;
        }
        return new PredictorMixture(values, Enumerable.Repeat(1.0 / count, count).ToArray());
    }

    /// <summary>N(<paramref name="mean"/>, <paramref name="sd"/>²) as Gauss-Hermite nodes (exact for polynomials of degree below 2 x nodes).</summary>
    public static PredictorMixture FromGaussian(double mean, double sd)
    {
        var (nodes, weights) = GaussHermite.Standard;
        return new PredictorMixture(nodes.Select(u => mean + sd * u).ToArray(), weights);
    }

    /// <summary>Σ w f(eta).</summary>
    public double Average(Func<double, double> f)
    {
        double sum = 0;
        for (int k = 0; k < Values.Length; k++)
        {
            sum += Weights[k] * f(Values[k]);
        }
        return sum;
    }

    /// <summary>
    /// At most 128 points with the same mean, for quantile searches: equally weighted draws sorted and averaged in equal
    /// slices (the predictive quantiles then move by a fraction of the draws' own Monte Carlo error).
    /// </summary>
    public PredictorMixture ForQuantiles()
    {
        if (Values.Length <= QuantilePoints)
        {
            return this;
        }
        var sorted = Values.Order().ToArray();
        var values = new double[QuantilePoints];
        for (int b = 0; b < QuantilePoints; b++)
        {
            int from = (int)((long)b * sorted.Length / QuantilePoints), to = (int)((long)(b + 1) * sorted.Length / QuantilePoints);
            double sum = 0;
            for (int i = from; i < to; i++)
            {
                sum += sorted[i];
            }
            values[b] = sum / (to - from);
        }
        return new PredictorMixture(values, Enumerable.Repeat(1.0 / QuantilePoints, QuantilePoints).ToArray());
    }
}
