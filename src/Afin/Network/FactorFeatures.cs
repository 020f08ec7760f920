using Afin.Modelling;

namespace Afin.Network;

/// <summary>
/// Hand-crafted adapter inputs (the reference's <c>_prior_inputs</c>/<c>_like_inputs</c>), computed in double and
/// written after symlog into float buffers: node features d x F (row-major) and pair features d x d x F.
/// log(·) means log(max(·, 1e-6)); δ_ij is the identity flag.
/// </summary>
internal static class FactorFeatures
{
    private static double SafeLog(double x) => Math.Log(Math.Max(x, 1e-6));

    /// <summary>symlog(x) = sign(x) log(1 + |x|), the largest finite value's for an infinite one.</summary>
    /// <remarks>
    /// A problem within the input limits keeps every feature finite, but its canonical twin need not be within them, and a
    /// product or sum of squares of its numbers (x_i x_j, |x|²) can overflow; an infinite feature would turn the whole
    /// forward pass into NaNs. Saturating keeps the feature's meaning, a number beyond 1e308.
    /// </remarks>
    private static float Symlog(double x) => double.IsInfinity(x)
        ? (float)(Math.Sign(x) * MaxSymlog)
        : (float)(Math.Sign(x) * Math.Log(1 + Math.Abs(x)));

    /// <summary>
    /// log(1 + |v|) from Σ v²; where that sum overflowed (entries beyond 1e154), |v| is computed from v scaled by its
    /// largest entry, and 1 + |v| is |v| to the last digit.
    /// </summary>
    private static double LogOnePlusNorm(double sumOfSquares, ReadOnlySpan<double> v)
    {
        if (double.IsFinite(sumOfSquares))
        {
            return Math.Log(1 + Math.Sqrt(sumOfSquares));
        }
        double largest = 0;
        foreach (double value in v)
        {
            largest = Math.Max(largest, Math.Abs(value));
        }
        double scaled = 0;
        foreach (double value in v)
        {
            scaled += value / largest * (value / largest);
        }
        return Math.Log(largest) + 0.5 * Math.Log(scaled);
    }

    /// <summary>symlog(double.MaxValue), about 709.8.</summary>
    private static readonly double MaxSymlog = Math.Log(double.MaxValue);

    private static void Write(Span<float> dst, ReadOnlySpan<double> src)
    {
        for (int f = 0; f < src.Length; f++)
        {
            dst[f] = Symlog(src[f]);
        }
    }

    /// <summary>The most scalars a linear site's features start with (a binomial site of feature version 2 or later has 6).</summary>
    internal const int MaxLinearPrefix = 8;

    /// <summary>Where a linear site's per-coordinate node features sit after its scalar prefix: [x_i, m·x_i].</summary>
    internal const int NodeX = 0, NodeSignedX = 1;

    /// <summary>
    /// Where a linear site's pair features sit after its scalar prefix: [x_i, x_j, x_i·x_j, m·x_i, m·x_j, δ_ij], each symlogged.
    /// The managed engine builds the adapter's first layer from these parts (per coordinate and per pair) instead of
    /// reading d² full feature rows, so both read the layout from here.
    /// </summary>
    internal const int PairXi = 0, PairXj = 1, PairProduct = 2, PairSignedXi = 3, PairSignedXj = 4, PairIdentity = 5;

    /// <summary>symlog(x_i·x_j), a linear site's one pair feature that is not a per-coordinate or per-site part.</summary>
    internal static float ProductFeature(double xi, double xj) => Symlog(xi * xj);

    /// <summary>The identity feature of a diagonal pair entry, symlog(1).</summary>
    internal static float IdentityFeature => Symlog(1);

    /// <summary>
    /// Node [scalars, x_i, m·x_i] and pair [scalars, x_i, x_j, x_i·x_j, m·x_i, m·x_j, δ_ij] features of a linear site from
    /// its parts (<see cref="LinearSiteParts"/>). Every term but x_i·x_j is symlogged once per site or coordinate rather
    /// than once per pair: this loop fills d² entries per site and was a tenth of a small problem's inference time.
    /// </summary>
    private static void WriteLinearSite(ReadOnlySpan<float> head, ReadOnlySpan<float> sx, ReadOnlySpan<float> smx, ReadOnlySpan<double> x, int d, Span<float> node, Span<float> pair)
    {
        int prefix = head.Length, fn = prefix + 2, fp = prefix + 6;
        float identity = IdentityFeature;
        for (int i = 0; i < d; i++)
        {
            var nodeRow = node.Slice(i * fn, fn);
            head.CopyTo(nodeRow);
            nodeRow[prefix + NodeX] = sx[i];
            nodeRow[prefix + NodeSignedX] = smx[i];
            for (int j = 0; j < d; j++)
            {
                var entry = pair.Slice((i * d + j) * fp, fp);
                head.CopyTo(entry);
                entry[prefix + PairXi] = sx[i];
                entry[prefix + PairXj] = sx[j];
                entry[prefix + PairProduct] = ProductFeature(x[i], x[j]);
                entry[prefix + PairSignedXi] = smx[i];
                entry[prefix + PairSignedXj] = smx[j];
                entry[prefix + PairIdentity] = i == j ? identity : 0;
            }
        }
    }

    /// <summary>Prior features for one problem. <paramref name="node"/> has d*Fn entries, <paramref name="pair"/> d*d*Fp.</summary>
    /// <remarks>
    /// Our Student-t prior has one df per coordinate (the reference: one per task). The node feature uses log ν_i and
    /// the pair feature ½(log ν_i + log ν_j); both reduce to the reference's features when df is shared.
    /// </remarks>
    public static void Prior(Prior prior, int d, Span<float> node, Span<float> pair)
    {
        Span<double> buf = stackalloc double[8];
        var loc = prior.Loc;
        switch (prior)
        {
            case FullRankGaussianPrior full:
            {
                var p = full.Precision;
                for (int i = 0; i < d; i++)
                {
                    double pi = Math.Max(p[i, i], 1e-6);
                    buf[0] = loc[i]; buf[1] = pi; buf[2] = loc[i] * Math.Sqrt(pi);
                    Write(node.Slice(i * 3, 3), buf[..3]);
                    for (int j = 0; j < d; j++)
                    {
                        double pj = Math.Max(p[j, j], 1e-6);
                        double pij = p[i, j];
                        buf[0] = loc[i]; buf[1] = loc[j]; buf[2] = pi; buf[3] = pj; buf[4] = pij;
                        buf[5] = pij * loc[i]; buf[6] = pij * loc[j]; buf[7] = i == j ? 1 : 0;
                        Write(pair.Slice((i * d + j) * 8, 8), buf[..8]);
                    }
                }
                break;
            }
            case StudentTPrior t:
            {
                for (int i = 0; i < d; i++)
                {
                    double si = Math.Max(t.Scale[i], 1e-6), lni = SafeLog(t.Df[i]);
                    buf[0] = lni; buf[1] = loc[i]; buf[2] = SafeLog(si); buf[3] = loc[i] / si;
                    Write(node.Slice(i * 4, 4), buf[..4]);
                    for (int j = 0; j < d; j++)
                    {
                        double sj = Math.Max(t.Scale[j], 1e-6), lnj = SafeLog(t.Df[j]);
                        buf[0] = 0.5 * (lni + lnj);
                        buf[1] = loc[i]; buf[2] = SafeLog(si); buf[3] = loc[i] / si;
                        buf[4] = loc[j]; buf[5] = SafeLog(sj); buf[6] = loc[j] / sj; buf[7] = i == j ? 1 : 0;
                        Write(pair.Slice((i * d + j) * 8, 8), buf[..8]);
                    }
                }
                break;
            }
            case GaussianPrior or LaplacePrior:
            {
                var scale = prior is GaussianPrior g ? g.Scale : ((LaplacePrior)prior).Scale;
                for (int i = 0; i < d; i++)
                {
                    double si = Math.Max(scale[i], 1e-6);
                    buf[0] = loc[i]; buf[1] = SafeLog(si); buf[2] = loc[i] / si;
                    Write(node.Slice(i * 3, 3), buf[..3]);
                    for (int j = 0; j < d; j++)
                    {
                        double sj = Math.Max(scale[j], 1e-6);
                        buf[0] = loc[i]; buf[1] = SafeLog(si); buf[2] = loc[i] / si;
                        buf[3] = loc[j]; buf[4] = SafeLog(sj); buf[5] = loc[j] / sj; buf[6] = i == j ? 1 : 0;
                        Write(pair.Slice((i * d + j) * 7, 7), buf[..7]);
                    }
                }
                break;
            }
            default:
                throw new NotSupportedException($"AFIN has no adapter for the prior family '{prior.Family}'.");
        }
    }

    /// <summary>Features of site (row) <paramref name="n"/> of <paramref name="block"/>.</summary>
    public static void Site(ObservationBlock block, int n, int d, Span<float> node, Span<float> pair, int featureVersion = 1)
    {
        Span<double> buf = stackalloc double[11];
        if (block is DirectGaussianBlock direct)
        {
            var v = direct.Row(n);
            double norm = 0, mean = 0;
            for (int i = 0; i < d; i++)
            {
                norm += v[i] * v[i];
                mean += v[i];
            }
            double vn = LogOnePlusNorm(norm, v);
            mean /= d;
            double ls = SafeLog(direct.Sigma[n]);
            for (int i = 0; i < d; i++)
            {
                buf[0] = v[i]; buf[1] = ls; buf[2] = vn; buf[3] = mean; buf[4] = v[i] * v[i];
                Write(node.Slice(i * 5, 5), buf[..5]);
                for (int j = 0; j < d; j++)
                {
                    buf[0] = v[i]; buf[1] = v[j]; buf[2] = ls; buf[3] = v[i] * v[j]; buf[4] = i == j ? 1 : 0; buf[5] = vn;
                    Write(pair.Slice((i * d + j) * 6, 6), buf[..6]);
                }
            }
            return;
        }
        Span<float> head = stackalloc float[MaxLinearPrefix];
        var sx = d <= 256 ? stackalloc float[d] : new float[d];
        var smx = d <= 256 ? stackalloc float[d] : new float[d];
        int prefix = LinearSiteParts(block, n, d, featureVersion, head, sx, smx);
        WriteLinearSite(head[..prefix], sx, smx, ((LinearBlock)block).Row(n), d, node, pair);
    }

    /// <summary>
    /// The parts of site <paramref name="n"/> of a linear block (every family but the direct Gaussian): its symlogged
    /// scalar prefix into <paramref name="head"/> (the length is returned), symlog(x_i) into <paramref name="sx"/> and
    /// symlog(m·x_i), with the family's sign multiplier m, into <paramref name="smx"/>.
    /// </summary>
    internal static int LinearSiteParts(ObservationBlock block, int n, int d, int featureVersion, Span<float> head, Span<float> sx, Span<float> smx)
    {
        Span<double> buf = stackalloc double[MaxLinearPrefix];
        var linear = (LinearBlock)block;
        var x = linear.Row(n);
        double y = linear.Y[n];
        double sq = 0;
        for (int i = 0; i < d; i++)
        {
            sq += x[i] * x[i];
        }
        double nrm = LogOnePlusNorm(sq, x);
        // Scalar prefix and the multiplier of x in the "signed" features.
        int prefix;
        double mult;
        switch (block)
        {
            case LinearGaussianBlock g:
                buf[0] = y; buf[1] = SafeLog(g.Sigma[n]); buf[2] = nrm; prefix = 3; mult = y;
                break;
            case LinearStudentTBlock t:
                buf[0] = y; buf[1] = SafeLog(t.Sigma[n]); buf[2] = SafeLog(t.Df[n]); buf[3] = nrm; prefix = 4; mult = y;
                break;
            case BernoulliLogitBlock bernoulli:
                buf[0] = y; buf[1] = 2 * y - 1; buf[2] = nrm; prefix = 3; mult = 2 * y - 1;
                if (featureVersion >= 2)
                {
                    buf[prefix++] = bernoulli.Offset[n];
                }
                break;
            case BinomialLogitBlock b:
            {
                double total = Math.Max(b.TotalCount[n], 1);
                double rho = y / total;
                buf[0] = y; buf[1] = Math.Log(1 + total); buf[2] = rho; buf[3] = 2 * rho - 1; buf[4] = nrm;
                prefix = 5; mult = 2 * rho - 1;
                if (featureVersion >= 2)
                {
                    buf[prefix++] = b.Offset[n];
                }
                break;
            }
            case LinearLaplaceBlock l when featureVersion >= 2:
                buf[0] = y; buf[1] = SafeLog(l.Scale[n]); buf[2] = nrm; prefix = 3; mult = y;
                break;
            case PoissonLogBlock p when featureVersion >= 3:
            {
                // The count, its log, the offset (log exposure, or x·m in Laplace coordinates) and the log-scale residual
                // log(y + ½) - offset: how far this site would move the predictor from x·z = 0, as y is for a Gaussian
                // site, with ½ keeping zero counts finite. The residual signs x in the signed features.
                double offset = p.Offset[n];
                double residual = Math.Log(y + 0.5) - offset;
                buf[0] = y; buf[1] = Math.Log(1 + y); buf[2] = offset; buf[3] = residual; buf[4] = nrm; prefix = 5; mult = residual;
                break;
            }
            default:
                throw new NotSupportedException($"AFIN has no adapter for the likelihood family '{block.Family}'.");
        }
        Write(head, buf[..prefix]);
        for (int i = 0; i < d; i++)
        {
            sx[i] = Symlog(x[i]);
            smx[i] = Symlog(mult * x[i]);
        }
        return prefix;
    }
}
