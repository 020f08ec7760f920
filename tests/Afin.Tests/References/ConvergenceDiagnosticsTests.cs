using Afin.References;
using MathNet.Numerics.Distributions;

namespace Afin.Tests.References;

[TestClass]
public sealed class ConvergenceDiagnosticsTests
{
    [TestMethod]
    public void IidChainsHaveRHatNearOne()
    {
        var chains = NormalChains(4, 1000, seed: 1, mean: _ => 0, sd: _ => 1);

        Assert.IsLessThan(1.01, ConvergenceDiagnostics.RankNormalizedSplitRHat(chains));
        Assert.IsLessThan(1.01, ConvergenceDiagnostics.SplitRHat(chains));
        Assert.IsGreaterThan(0.99, ConvergenceDiagnostics.RankNormalizedSplitRHat(chains));
    }

    [TestMethod]
    public void ShiftedChainsHaveLargeRHat()
    {
        var chains = NormalChains(4, 1000, seed: 2, mean: c => c < 2 ? 0 : 2, sd: _ => 1);

        Assert.IsGreaterThan(1.1, ConvergenceDiagnostics.RankNormalizedSplitRHat(chains));
        Assert.IsGreaterThan(1.1, ConvergenceDiagnostics.SplitRHat(chains));
    }

    [TestMethod]
    public void FoldingDetectsChainsThatDifferOnlyInScale()
    {
        // Same centre, different spread: invisible to R-hat on the draws, caught by the folded draws.
        var chains = NormalChains(4, 1000, seed: 3, mean: _ => 0, sd: c => c < 2 ? 1 : 3);

        Assert.IsLessThan(1.01, ConvergenceDiagnostics.SplitRHat(chains));
        Assert.IsGreaterThan(1.1, ConvergenceDiagnostics.RankNormalizedSplitRHat(chains));
    }

    [TestMethod]
    public void SplitChainsDetectATrendWithinAChain()
    {
        var chains = NormalChains(4, 1000, seed: 4, mean: _ => 0, sd: _ => 1);
        for (int t = 0; t < 1000; t++)
        {
            chains[0][t] += 3.0 * t / 1000;
        }
        Assert.IsGreaterThan(1.05, ConvergenceDiagnostics.RankNormalizedSplitRHat(chains));
    }

    [TestMethod]
    public void SplitRHatMatchesTheTextbookFormula()
    {
        var chains = NormalChains(3, 41, seed: 5, mean: c => 0.3 * c, sd: c => 1 + c);
        // BDA3 section 11.4 on the six half-chains of 20 draws (the middle draw is dropped).
        var halves = new List<double[]>();
        foreach (var chain in chains)
        {
            halves.Add(chain[..20]);
            halves.Add(chain[21..]);
        }
        int m = halves.Count, n = 20;
        var means = halves.Select(h => h.Average()).ToArray();
        double grand = means.Average();
        double between = n / (m - 1.0) * means.Sum(x => (x - grand) * (x - grand));
        double within = halves.Select((h, j) => h.Sum(x => (x - means[j]) * (x - means[j])) / (n - 1)).Average();
        double expected = Math.Sqrt(((n - 1.0) / n * within + between / n) / within);

        Assert.AreEqual(expected, ConvergenceDiagnostics.SplitRHat(chains), 1e-12);
    }

    [TestMethod]
    public void EssOfIidDrawsIsCloseToTheDrawCount()
    {
        var chains = NormalChains(4, 1000, seed: 6, mean: _ => 1, sd: _ => 2);

        Assert.AreEqual(4000, ConvergenceDiagnostics.BulkEss(chains), 800);
        Assert.AreEqual(4000, ConvergenceDiagnostics.Ess(chains), 800);
        double sd = Math.Sqrt(Pooled(chains).Sum(x => (x - 1) * (x - 1)) / 3999);
        Assert.AreEqual(sd / Math.Sqrt(4000), ConvergenceDiagnostics.MeanMcse(chains), 0.1 * sd / Math.Sqrt(4000));
    }

    [TestMethod]
    [DataRow(0.9)]
    [DataRow(0.5)]
    [DataRow(-0.5)]
    public void EssOfAr1MatchesTheory(double rho)
    {
        // An AR(1) series has ESS n (1 - rho) / (1 + rho); the estimate of a long series is within a few percent.
        const int chainCount = 4, length = 20000;
        var chains = Ar1Chains(chainCount, length, rho, seed: 7);
        double theory = chainCount * length * (1 - rho) / (1 + rho);

        double ess = ConvergenceDiagnostics.Ess(chains);
        double bulk = ConvergenceDiagnostics.BulkEss(chains);

        Assert.AreEqual(theory, ess, 0.25 * theory, $"ESS {ess:F0} vs {theory:F0}");
        Assert.AreEqual(theory, bulk, 0.25 * theory, $"bulk ESS {bulk:F0} vs {theory:F0}");
        if (rho > 0.8)
        {
            Assert.IsLessThan(0.1 * chainCount * length, bulk);
        }
    }

    [TestMethod]
    public void AutocovarianceMatchesDirectSums()
    {
        var series = NormalChains(1, 257, seed: 8, mean: _ => 5, sd: _ => 2)[0];
        double mean = series.Average();
        var acov = ConvergenceDiagnostics.Autocovariance(series);

        Assert.HasCount(257, acov);
        for (int lag = 0; lag < series.Length; lag++)
        {
            double direct = 0;
            for (int i = 0; i + lag < series.Length; i++)
            {
                direct += (series[i] - mean) * (series[i + lag] - mean);
            }
            Assert.AreEqual(direct / series.Length, acov[lag], 1e-10, $"lag {lag}");
        }
    }

    [TestMethod]
    public void LazyAutocovarianceAgreesWithTheFft()
    {
        var series = Ar1Chains(1, 500, 0.95, seed: 9)[0];
        var fft = ConvergenceDiagnostics.Autocovariance(series);
        var lazy = new LazyAutocovariance(series);
        // The first lags come from direct sums, later ones from the FFT.
        for (int lag = 0; lag < 200; lag++)
        {
            Assert.AreEqual(fft[lag], lazy[lag], 1e-10, $"lag {lag}");
        }
    }

    [TestMethod]
    public void RankNormalizationAveragesTiedRanks()
    {
        var scores = ConvergenceDiagnostics.RankNormalize([[3.0, 1.0], [2.0, 2.0]]);
        // Ranks 4, 1 and the tie 2.5, 2.5 among S = 4 draws.
        static double Score(double rank) => Normal.InvCDF(0, 1, (rank - 0.375) / 4.25);

        Assert.AreEqual(Score(4), scores[0][0], 1e-15);
        Assert.AreEqual(Score(1), scores[0][1], 1e-15);
        Assert.AreEqual(Score(2.5), scores[1][0], 1e-15);
        Assert.AreEqual(Score(2.5), scores[1][1], 1e-15);
    }

    [TestMethod]
    public void FoldedRanksMatchABruteForceRanking()
    {
        // Integer draws give many ties, both among the draws and among their distances to the median.
        var random = new Random(10);
        var chains = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, 51).Select(_ => (double)random.Next(-6, 9)).ToArray()).ToArray();
        var all = chains.SelectMany(c => c).OrderBy(x => x).ToArray();
        double median = all.Length % 2 == 1 ? all[all.Length / 2] : 0.5 * (all[all.Length / 2 - 1] + all[all.Length / 2]);
        var folded = chains.Select(c => c.Select(x => Math.Abs(x - median)).ToArray()).ToArray();

        var expected = ConvergenceDiagnostics.RankNormalize(folded);
        var actual = new RankedDraws(chains, null).FoldedScores();

        for (int c = 0; c < chains.Length; c++)
        {
            CollectionAssert.AreEqual(expected[c], actual[c]);
        }
    }

    [TestMethod]
    public void ScoreTableGivesTheSameScores()
    {
        var chains = NormalChains(4, 100, seed: 11, mean: _ => 0, sd: _ => 1);
        var plain = new RankedDraws(chains, null).BulkScores();
        var tabled = new RankedDraws(chains, new NormalScoreTable(400)).BulkScores();
        for (int c = 0; c < chains.Length; c++)
        {
            CollectionAssert.AreEqual(plain[c], tabled[c]);
        }
    }

    [TestMethod]
    public void OddLengthsDropTheMiddleDraw()
    {
        var split = ConvergenceDiagnostics.SplitChains([[1.0, 2, 3, 4, 5]]);
        CollectionAssert.AreEqual(new[] { 1.0, 2 }, split[0]);
        CollectionAssert.AreEqual(new[] { 4.0, 5 }, split[1]);
    }

    [TestMethod]
    public void UndefinedDiagnosticsAreNaN()
    {
        double[][] constant = [[1.0, 1, 1, 1, 1, 1, 1, 1], [2.0, 2, 2, 2, 2, 2, 2, 2]];
        var withNaN = NormalChains(2, 100, seed: 12, mean: _ => 0, sd: _ => 1);
        withNaN[1][17] = double.NaN;
        double[][] tooShort = [[1.0, 2, 3, 4, 5, 6], [2.0, 3, 1, 5, 4, 0]];

        Assert.IsTrue(double.IsNaN(ConvergenceDiagnostics.RankNormalizedSplitRHat(constant)));
        Assert.IsTrue(double.IsNaN(ConvergenceDiagnostics.BulkEss(constant)));
        Assert.IsTrue(double.IsNaN(ConvergenceDiagnostics.SplitRHat(withNaN)));
        Assert.IsTrue(double.IsNaN(ConvergenceDiagnostics.Ess(withNaN)));
        Assert.IsTrue(double.IsNaN(ConvergenceDiagnostics.MeanMcse(withNaN)));
        Assert.IsTrue(double.IsNaN(ConvergenceDiagnostics.Ess(tooShort)));
        Assert.IsFalse(double.IsNaN(ConvergenceDiagnostics.SplitRHat(tooShort)));
    }

    [TestMethod]
    public void MalformedInputIsRejected()
    {
        Assert.Throws<ArgumentException>(() => ConvergenceDiagnostics.BulkEss([]));
        Assert.Throws<ArgumentException>(() => ConvergenceDiagnostics.BulkEss([[1.0, 2, 3], [1.0, 2]]));
        Assert.Throws<ArgumentException>(() => ConvergenceDiagnostics.RankNormalize([[1.0, double.NaN]]));
        Assert.Throws<ArgumentException>(() => ConvergenceDiagnostics.Autocovariance([]));
    }

    private static double[][] NormalChains(int chains, int length, int seed, Func<int, double> mean, Func<int, double> sd)
    {
        var random = new Random(seed);
        var result = new double[chains][];
        for (int c = 0; c < chains; c++)
        {
            result[c] = new double[length];
            for (int t = 0; t < length; t++)
            {
                result[c][t] = mean(c) + sd(c) * StandardNormal(random);
            }
        }
        return result;
    }

    private static double[][] Ar1Chains(int chains, int length, double rho, int seed)
    {
        var random = new Random(seed);
        var result = new double[chains][];
        double innovation = Math.Sqrt(1 - rho * rho);
        for (int c = 0; c < chains; c++)
        {
            result[c] = new double[length];
            // Start in the stationary N(0, 1) distribution so there is no transient.
            double x = StandardNormal(random);
            for (int t = 0; t < length; t++)
            {
                result[c][t] = x;
                x = rho * x + innovation * StandardNormal(random);
            }
        }
        return result;
    }

    private static IEnumerable<double> Pooled(double[][] chains) => chains.SelectMany(c => c);

    private static double StandardNormal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
