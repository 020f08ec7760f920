using System.Numerics;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.IntegralTransforms;

namespace Afin.References;

/// <summary>
/// MCMC convergence diagnostics for one scalar quantity: split R-hat, effective sample size and
/// Monte-Carlo standard error, with the rank-normalised variants of Vehtari, Gelman, Simpson,
/// Carpenter and Bürkner (2021), "Rank-normalization, folding, and localization: an improved R-hat
/// for assessing convergence of MCMC", Bayesian Analysis 16(2). The formulas follow Stan's
/// stan::analyze and the R package posterior.
/// </summary>
/// <remarks>
/// Every method takes the draws of one quantity as one array per chain, all of the same length, in
/// iteration order. Chains are split in half (the middle draw of an odd length is dropped) so that a
/// trend within a chain shows up as disagreement between its halves. Quantities that are not finite
/// or that do not vary give NaN, as in Stan, because the diagnostics are undefined for them.
/// </remarks>
public static class ConvergenceDiagnostics
{
    /// <summary>
    /// The classic split R-hat (Gelman et al., Bayesian Data Analysis, 3rd ed., section 11.4) on the raw
    /// draws: sqrt of the pooled variance estimate over the mean within-chain variance of the split
    /// chains. Near 1 when the chains agree.
    /// </summary>
    /// <param name="chains">Draws of one quantity, one array per chain, of equal length.</param>
    /// <returns>R-hat, or NaN when the draws are not finite, are constant, or the split chains have fewer than 2 draws.</returns>
    /// <exception cref="ArgumentException">No chains, or chains of different lengths.</exception>
    public static double SplitRHat(IReadOnlyList<double[]> chains)
    {
        var split = SplitChains(chains);
        if (split[0].Length < 2 || !IsFiniteAndVaries(split))
        {
            return double.NaN;
        }
        return RHat(split);
    }

    /// <summary>
    /// The rank-normalised split R-hat of Vehtari et al. (2021): the larger of the bulk R-hat (split
    /// R-hat of the rank-normalised draws) and the tail R-hat (the same for the draws folded about
    /// their median, |x - median|), which also detects chains that differ in scale or tails. Robust
    /// to heavy tails; values above 1.01 suggest the chains have not mixed.
    /// </summary>
    /// <param name="chains">Draws of one quantity, one array per chain, of equal length.</param>
    /// <returns>R-hat, or NaN when the draws are not finite, are constant, or the split chains have fewer than 2 draws.</returns>
    /// <exception cref="ArgumentException">No chains, or chains of different lengths.</exception>
    public static double RankNormalizedSplitRHat(IReadOnlyList<double[]> chains)
    {
        var split = SplitChains(chains);
        if (split[0].Length < 2 || !IsFiniteAndVaries(split))
        {
            return double.NaN;
        }
        var ranked = new RankedDraws(split, null);
        return Math.Max(RHat(ranked.BulkScores()), RHat(ranked.FoldedScores()));
    }

    /// <summary>
    /// The bulk effective sample size of Vehtari et al. (2021): the split-chain ESS of the
    /// rank-normalised draws. It measures how well the chains estimate the centre of the
    /// distribution and stays meaningful when the mean or variance does not exist.
    /// </summary>
    /// <param name="chains">Draws of one quantity, one array per chain, of equal length.</param>
    /// <returns>The bulk ESS, or NaN when the draws are not finite, are constant, or the split chains have fewer than 4 draws.</returns>
    /// <exception cref="ArgumentException">No chains, or chains of different lengths.</exception>
    public static double BulkEss(IReadOnlyList<double[]> chains)
    {
        var split = SplitChains(chains);
        if (split[0].Length < 4 || !IsFiniteAndVaries(split))
        {
            return double.NaN;
        }
        return EssCore(new RankedDraws(split, null).BulkScores());
    }

    /// <summary>
    /// The split-chain effective sample size of the raw draws (posterior's ess_mean): the number of
    /// independent draws that would estimate the mean as precisely. Combines the chains'
    /// autocovariances as in Stan (Vehtari et al. 2021, eq. 10) and truncates the autocorrelation sum
    /// with Geyer's initial monotone sequence.
    /// </summary>
    /// <param name="chains">Draws of one quantity, one array per chain, of equal length.</param>
    /// <returns>The ESS, or NaN when the draws are not finite, are constant, or the split chains have fewer than 4 draws.</returns>
    /// <exception cref="ArgumentException">No chains, or chains of different lengths.</exception>
    public static double Ess(IReadOnlyList<double[]> chains)
    {
        var split = SplitChains(chains);
        if (split[0].Length < 4 || !IsFiniteAndVaries(split))
        {
            return double.NaN;
        }
        return EssCore(split);
    }

    /// <summary>
    /// The Monte-Carlo standard error of the mean of the pooled draws: sd / sqrt(<see cref="Ess"/>), with
    /// sd the sample standard deviation of all draws.
    /// </summary>
    /// <param name="chains">Draws of one quantity, one array per chain, of equal length.</param>
    /// <returns>The standard error, or NaN where <see cref="Ess"/> is NaN.</returns>
    /// <exception cref="ArgumentException">No chains, or chains of different lengths.</exception>
    public static double MeanMcse(IReadOnlyList<double[]> chains)
    {
        double ess = Ess(chains);
        return double.IsNaN(ess) ? double.NaN : Math.Sqrt(PooledVariance(chains) / ess);
    }

    /// <summary>
    /// The autocovariance of a series at every lag 0..n-1, normalised by n rather than n - k (the
    /// biased estimate Geyer 1992 recommends, which keeps the sequence positive definite), computed by
    /// FFT in O(n log n).
    /// </summary>
    /// <param name="series">The series; its mean is subtracted first.</param>
    /// <returns>acov[k] = (1/n) sum_{i &lt; n-k} (x_i - mean)(x_{i+k} - mean).</returns>
    /// <exception cref="ArgumentException">The series is empty.</exception>
    public static double[] Autocovariance(ReadOnlySpan<double> series)
    {
        int n = series.Length;
        if (n == 0)
        {
            throw new ArgumentException("expected at least one value", nameof(series));
        }
        double mean = 0;
        for (int i = 0; i < n; i++)
        {
            mean += series[i];
        }
        mean /= n;

        // Zero-padding to at least 2n turns the FFT's circular correlation into a linear one.
        int m = 1;
        while (m < 2 * n)
        {
            m <<= 1;
        }
        var buffer = new Complex[m];
        for (int i = 0; i < n; i++)
        {
            buffer[i] = new Complex(series[i] - mean, 0);
        }
        Fourier.Forward(buffer, FourierOptions.NoScaling);
        for (int i = 0; i < m; i++)
        {
            double magnitude = buffer[i].Real * buffer[i].Real + buffer[i].Imaginary * buffer[i].Imaginary;
            buffer[i] = new Complex(magnitude, 0);
        }
        Fourier.Inverse(buffer, FourierOptions.NoScaling);
        var result = new double[n];
        double scale = 1.0 / ((double)m * n);
        for (int k = 0; k < n; k++)
        {
            result[k] = buffer[k].Real * scale;
        }
        return result;
    }

    /// <summary>
    /// Rank-normalises draws pooled over all chains: each draw is replaced by
    /// Phi^-1((r - 3/8) / (S + 1/4)), with r its rank among all S draws (ties get their average rank)
    /// and Phi^-1 the standard normal quantile (Blom's fractional offset, Vehtari et al. 2021).
    /// </summary>
    /// <param name="chains">Draws of one quantity, one array per chain, of equal length and finite.</param>
    /// <returns>The normal scores, in the same layout as <paramref name="chains"/>.</returns>
    /// <exception cref="ArgumentException">No chains, chains of different lengths, or a draw that is NaN.</exception>
    public static double[][] RankNormalize(IReadOnlyList<double[]> chains)
    {
        CheckShape(chains);
        foreach (var chain in chains)
        {
            foreach (double x in chain)
            {
                if (double.IsNaN(x))
                {
                    throw new ArgumentException("cannot rank NaN draws", nameof(chains));
                }
            }
        }
        var copy = new double[chains.Count][];
        for (int c = 0; c < chains.Count; c++)
        {
            copy[c] = chains[c];
        }
        return new RankedDraws(copy, null).BulkScores();
    }

    /// <summary>
    /// Everything <see cref="NutsResult"/> reports for one coordinate, sharing the sort and the
    /// rank normalisation between the diagnostics.
    /// </summary>
    /// <param name="chains">Draws of one quantity, one array per chain, of equal length.</param>
    /// <param name="scores">Normal scores by rank for the split draws' total count, or null.</param>
    internal static (double RHat, double BulkEss, double Ess, double MeanMcse) Summarise(IReadOnlyList<double[]> chains, NormalScoreTable? scores)
    {
        var split = SplitChains(chains);
        if (split[0].Length < 2 || !IsFiniteAndVaries(split))
        {
            return (double.NaN, double.NaN, double.NaN, double.NaN);
        }
        var ranked = new RankedDraws(split, scores);
        var bulk = ranked.BulkScores();
        double rHat = Math.Max(RHat(bulk), RHat(ranked.FoldedScores()));
        if (split[0].Length < 4)
        {
            return (rHat, double.NaN, double.NaN, double.NaN);
        }
        double ess = EssCore(split);
        return (rHat, EssCore(bulk), ess, Math.Sqrt(PooledVariance(chains) / ess));
    }

    /// <summary>
    /// Splits each chain into its first and second half (dropping the middle draw of an odd
    /// length), giving twice as many chains of half the length.
    /// </summary>
    internal static double[][] SplitChains(IReadOnlyList<double[]> chains)
    {
        CheckShape(chains);
        int n = chains[0].Length;
        int half = n / 2;
        int tailStart = (n + 1) / 2;
        var split = new double[2 * chains.Count][];
        for (int c = 0; c < chains.Count; c++)
        {
            split[2 * c] = chains[c].AsSpan(0, half).ToArray();
            split[2 * c + 1] = chains[c].AsSpan(tailStart, half).ToArray();
        }
        return split;
    }

    private static void CheckShape(IReadOnlyList<double[]> chains)
    {
        ArgumentNullException.ThrowIfNull(chains);
        if (chains.Count == 0)
        {
            throw new ArgumentException("expected at least one chain", nameof(chains));
        }
        for (int c = 0; c < chains.Count; c++)
        {
            if (chains[c] is null)
            {
                throw new ArgumentException($"chain {c} is null", nameof(chains));
            }
            if (chains[c].Length != chains[0].Length)
            {
                throw new ArgumentException(
                    $"expected chains of equal length, got {chains[0].Length} draws in chain 0 and {chains[c].Length} in chain {c}",
                    nameof(chains));
            }
        }
        if (chains[0].Length == 0)
        {
            throw new ArgumentException("expected at least one draw per chain", nameof(chains));
        }
    }

    /// <summary>
    /// Stan's is_finite_and_varies: every draw finite, no chain (approximately) constant, and the
    /// chains not all starting from the same value.
    /// </summary>
    private static bool IsFiniteAndVaries(double[][] chains)
    {
        for (int c = 0; c < chains.Length; c++)
        {
            var chain = chains[c];
            double first = chain[0];
            bool constant = true;
            for (int i = 0; i < chain.Length; i++)
            {
                if (!double.IsFinite(chain[i]))
                {
                    return false;
                }
                if (constant && !ApproximatelyEqual(chain[i], first))
                {
                    constant = false;
                }
            }
            if (constant)
            {
                return false;
            }
        }
        if (chains.Length > 1)
        {
            for (int c = 1; c < chains.Length; c++)
            {
                if (!ApproximatelyEqual(chains[c][0], chains[0][0]))
                {
                    return true;
                }
            }
            return false;
        }
        return true;
    }

    /// <summary>Eigen's isApprox with its default double precision 1e-12.</summary>
    private static bool ApproximatelyEqual(double a, double b) =>
        Math.Abs(a - b) <= 1e-12 * Math.Min(Math.Abs(a), Math.Abs(b));

    /// <summary>sqrt(((n-1)/n W + B/n) / W) over chains of equal length n (stan::analyze::rhat).</summary>
    private static double RHat(double[][] chains)
    {
        int m = chains.Length;
        int n = chains[0].Length;
        var means = new double[m];
        double grandMean = 0;
        double within = 0;
        for (int c = 0; c < m; c++)
        {
            double mean = 0;
            foreach (double x in chains[c])
            {
                mean += x;
            }
            mean /= n;
            means[c] = mean;
            grandMean += mean;
            double squares = 0;
            foreach (double x in chains[c])
            {
                squares += (x - mean) * (x - mean);
            }
            within += squares / (n - 1.0);
        }
        grandMean /= m;
        within /= m;
        double between = 0;
        for (int c = 0; c < m; c++)
        {
            between += (means[c] - grandMean) * (means[c] - grandMean);
        }
        // m >= 2 always holds here because the chains have been split.
        between *= n / (m - 1.0);
        return Math.Sqrt((between / within + n - 1) / n);
    }

    /// <summary>
    /// stan::analyze::ess on chains that are already split: combines the per-chain autocovariances
    /// into autocorrelations of the pooled variance estimate, sums them in pairs while the pair sums
    /// stay positive (Geyer's initial positive sequence), makes the pairs monotone, and truncates.
    /// </summary>
    private static double EssCore(double[][] chains)
    {
        int m = chains.Length;
        int n = chains[0].Length;
        var acov = new LazyAutocovariance[m];
        var chainMean = new double[m];
        double withinVariance = 0;
        for (int c = 0; c < m; c++)
        {
            acov[c] = new LazyAutocovariance(chains[c]);
            chainMean[c] = acov[c].Mean;
            withinVariance += acov[c][0] * n / (n - 1.0);
        }
        withinVariance /= m;

        // var_plus: the pooled estimate of the marginal variance (Vehtari et al. 2021, eq. 3).
        double varPlus = withinVariance * (n - 1.0) / n;
        if (m > 1)
        {
            varPlus += SampleVariance(chainMean);
        }

        var rhoHat = new double[n];
        double rhoHatEven = 1.0;
        rhoHat[0] = rhoHatEven;
        double rhoHatOdd = 1 - (withinVariance - MeanAt(acov, 1)) / varPlus;
        rhoHat[1] = rhoHatOdd;

        int t = 1;
        while (t < n - 4 && rhoHatEven + rhoHatOdd > 0 && !double.IsNaN(rhoHatEven + rhoHatOdd))
        {
            rhoHatEven = 1 - (withinVariance - MeanAt(acov, t + 1)) / varPlus;
            rhoHatOdd = 1 - (withinVariance - MeanAt(acov, t + 2)) / varPlus;
            if (rhoHatEven + rhoHatOdd >= 0)
            {
                rhoHat[t + 1] = rhoHatEven;
                rhoHat[t + 2] = rhoHatOdd;
            }
            // Initial monotone sequence: a pair sum may not exceed the previous one.
            if (rhoHat[t + 1] + rhoHat[t + 2] > rhoHat[t - 1] + rhoHat[t])
            {
                rhoHat[t + 1] = (rhoHat[t - 1] + rhoHat[t]) / 2;
                rhoHat[t + 2] = rhoHat[t + 1];
            }
            t += 2;
        }
        int maxT = t;
        // Vehtari et al. 2021, p. 8: adding the last positive even lag reduces the variance of the
        // estimate for antithetic chains.
        if (rhoHatEven > 0)
        {
            rhoHat[maxT + 1] = rhoHatEven;
        }

        double total = (double)m * n;
        double sum = 0;
        for (int k = 0; k < maxT; k++)
        {
            sum += rhoHat[k];
        }
        double tauHat = -1 + 2 * sum + rhoHat[maxT + 1];
        // Caps the ESS at total * log10(total) for strongly antithetic chains.
        tauHat = Math.Max(tauHat, 1 / Math.Log10(total));
        return total / tauHat;
    }

    private static double MeanAt(LazyAutocovariance[] acov, int lag)
    {
        double sum = 0;
        for (int c = 0; c < acov.Length; c++)
        {
            sum += acov[c][lag];
        }
        return sum / acov.Length;
    }

    private static double SampleVariance(double[] values)
    {
        double mean = 0;
        foreach (double x in values)
        {
            mean += x;
        }
        mean /= values.Length;
        double squares = 0;
        foreach (double x in values)
        {
            squares += (x - mean) * (x - mean);
        }
        return squares / (values.Length - 1);
    }

    private static double PooledVariance(IReadOnlyList<double[]> chains) => PooledMeanAndVariance(chains).Variance;

    /// <summary>Mean and unbiased variance of all draws of all chains together (two passes, for accuracy).</summary>
    internal static (double Mean, double Variance) PooledMeanAndVariance(IReadOnlyList<double[]> chains)
    {
        double sum = 0;
        long count = 0;
        foreach (var chain in chains)
        {
            foreach (double x in chain)
            {
                sum += x;
            }
            count += chain.Length;
        }
        double mean = sum / count;
        double squares = 0;
        foreach (var chain in chains)
        {
            foreach (double x in chain)
            {
                squares += (x - mean) * (x - mean);
            }
        }
        return (mean, count > 1 ? squares / (count - 1) : double.NaN);
    }
}
