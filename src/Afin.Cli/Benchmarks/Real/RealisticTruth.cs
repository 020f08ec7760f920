using MathNet.Numerics.Distributions;

namespace Afin.Cli.Benchmarks.Real;

/// <summary>
/// The true latent vector of a problem, drawn so that the data it simulates are plausible: each coefficient is set
/// per unit of its column's spread, the non-intercept linear predictor is rescaled to the kind's signal (so logits
/// stay within a few units whatever the feature scales), and the intercept is solved for the kind's positive rate
/// in logit models and for its mean count in Poisson models.
/// </summary>
internal static class RealisticTruth
{
    /// <summary>Splits N rows over the blocks by their shares (every block gets at least one row).</summary>
    internal static int[] SplitRows(IReadOnlyList<LikelihoodDescription> likelihoods, int n)
    {
        double total = likelihoods.Sum(l => l.Share);
        var rows = likelihoods.Select(l => Math.Max(1, (int)Math.Round(n * l.Share / total))).ToArray();
        rows[^1] = Math.Max(1, n - rows[..^1].Sum());
        return rows;
    }

    /// <summary>Draws z (length d) for the kind, given its blocks' designs (null for direct Gaussian blocks).</summary>
    internal static double[] Draw(KindDescription kind, RealisticDesign?[] designs, int d, Random random)
    {
        int first = kind.Design.Intercept ? 1 : 0;
        var z = new double[d];
        var linear = designs.OfType<RealisticDesign>().ToArray();
        if (linear.Length == 0)
        {
            for (int j = 0; j < d; j++)
            {
                z[j] = random.NextDouble() < kind.Sparsity ? 0 : Normal.Sample(random, 0, kind.Signal);
            }
            return z;
        }
        DrawSlopes(kind, linear, z, first, random);
        if (first == 1)
        {
            z[0] = Intercept(kind, designs, z, random);
        }
        return z;
    }

    /// <summary>Slopes per unit of column spread (random-walk level effects when ordinal), rescaled to the signal.</summary>
    private static void DrawSlopes(KindDescription kind, RealisticDesign[] designs, double[] z, int first, Random random)
    {
        bool anyNonzero = false;
        double walk = 0;
        for (int j = first; j < z.Length; j++)
        {
            if (kind.Design.Ordinal)
            {
                z[j] = walk += Normal.Sample(random, 0, 1);
                continue;
            }
            bool zero = random.NextDouble() < kind.Sparsity && (anyNonzero || j < z.Length - 1);
            z[j] = zero ? 0 : Normal.Sample(random, 0, 1) / Math.Max(1e-3, ColumnSd(designs, j));
            anyNonzero |= !zero;
        }
        double spread = StandardDeviation(designs.SelectMany(x => Predictor(x, z, first)).ToArray());
        for (int j = first; j < z.Length && spread > 0; j++)
        {
            z[j] *= kind.Signal / spread;
        }
    }

    /// <summary>
    /// The logit blocks' intercept hits the positive rate, a Poisson block's its mean count per unit exposure; a linear
    /// intercept is N(0, 2^2).
    /// </summary>
    private static double Intercept(KindDescription kind, RealisticDesign?[] designs, double[] z, Random random)
    {
        int poisson = kind.Likelihoods.ToList().FindIndex(l => l.Family == "poisson_log");
        if (poisson >= 0)
        {
            // mean_r exp(b + eta_r) = mean count: b = log(mean count) - log mean_r exp(eta_r).
            var rates = Predictor(designs[poisson]!, z, 1).Select(Math.Exp).ToArray();
            return Math.Log(kind.Likelihoods[poisson].MeanCount) - Math.Log(rates.Average());
        }
        int logit = kind.Likelihoods.ToList().FindIndex(l => l.Family is "bernoulli_logit" or "binomial_logit");
        if (logit < 0)
        {
            return Normal.Sample(random, 0, 2);
        }
        var eta = Predictor(designs[logit]!, z, 1).ToArray();
        double rate = kind.Likelihoods[logit].PositiveRate;
        double low = -30, high = 30;
        for (int i = 0; i < 100; i++)
        {
            double mid = 0.5 * (low + high);
            double mean = eta.Average(e => RealisticBlocks.Sigmoid(mid + e));
            (low, high) = mean < rate ? (mid, high) : (low, mid);
        }
        return 0.5 * (low + high);
    }

    /// <summary>x_r · z over the columns from <paramref name="first"/> on, for every row.</summary>
    internal static IEnumerable<double> Predictor(RealisticDesign design, double[] z, int first)
    {
        for (int r = 0; r < design.Rows; r++)
        {
            double eta = 0;
            for (int j = first; j < z.Length; j++)
            {
                eta += design.X[r, j] * z[j];
            }
            yield return eta;
        }
    }

    private static double ColumnSd(RealisticDesign[] designs, int column) =>
        StandardDeviation(designs.SelectMany(x => Enumerable.Range(0, x.Rows).Select(r => x.X[r, column])).ToArray());

    private static double StandardDeviation(double[] values)
    {
        if (values.Length < 2)
        {
            return values.Length == 1 ? Math.Abs(values[0]) : 0;
        }
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
    }
}
