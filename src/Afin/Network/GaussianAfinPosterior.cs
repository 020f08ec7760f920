using Afin.Modelling;
using Afin.Numerics;

namespace Afin.Network;

/// <summary>
/// q(z) = N(μ, Λ⁻¹) with Λ = L·Lᵀ, held entirely in managed float64 arrays (no torch resources), so it is immutable,
/// thread-safe and needs no disposal. Sampling uses z = μ + L⁻ᵀ·ε with ε seeded per call: from a managed generator
/// (the same draws on every machine), or from a CPU torch generator for posteriors of the TorchSharp forward pass
/// (which therefore draw other samples for the same seed, from the same distribution).
/// </summary>
public sealed class GaussianAfinPosterior : AfinPosterior
{
    private const double Log2Pi = 1.8378770664093454836;
    private readonly double[] _mean;
    /// <summary>L row-major, the layout of <see cref="DenseCholesky"/>'s triangular solves and products.</summary>
    private readonly double[] _cholRows;
    private readonly Lazy<double[,]> _covariance;
    private readonly Func<int, int, int, double[]> _standardNormal;

    /// <summary>
    /// The posterior with precision factor <paramref name="precisionCholesky"/>; <paramref name="standardNormal"/>
    /// (count, d, seed → count x d draws) supplies the base draws of <see cref="Sample"/>, the managed generator when null.
    /// </summary>
    internal GaussianAfinPosterior(double[] mean, double[,] precisionCholesky, Func<int, int, int, double[]>? standardNormal = null) : base(mean.Length)
    {
        _mean = mean;
        _cholRows = Matrix.ToRowMajor(precisionCholesky);
        _covariance = new Lazy<double[,]>(ComputeCovariance);
        _standardNormal = standardNormal ?? Engine.ManagedStandardNormal.Draw;
    }

    /// <inheritdoc />
    public override PosteriorFamily Family => PosteriorFamily.Gaussian;

    /// <inheritdoc />
    public override double[] Mean => (double[])_mean.Clone();

    /// <summary>The lower Cholesky factor L of the precision matrix (a copy).</summary>
    public double[,] PrecisionCholesky => Matrix.FromRowMajor(_cholRows, Dimension, Dimension);

    /// <summary>The precision matrix Λ = L·Lᵀ (a copy).</summary>
    public double[,] Precision
    {
        get
        {
            int d = Dimension;
            var p = new double[d, d];
            for (int i = 0; i < d; i++)
            {
                for (int j = 0; j < d; j++)
                {
                    int shared = Math.Min(i, j) + 1;
                    p[i, j] = Matrix.Dot(_cholRows.AsSpan(i * d, shared), _cholRows.AsSpan(j * d, shared));
                }
            }
            return p;
        }
    }

    /// <summary>The exact covariance Λ⁻¹ = L⁻ᵀ·L⁻¹ (a copy).</summary>
    public override double[,] Covariance => (double[,])_covariance.Value.Clone();

    /// <inheritdoc />
    public override double[,] Sample(int count, int seed)
    {
        CheckCount(count);
        int d = Dimension;
        var eps = _standardNormal(count, d, seed);
        var z = new double[count, d];
        var w = new double[d];
        for (int n = 0; n < count; n++)
        {
            // w = L⁻ᵀ ε: a draw of covariance (L Lᵀ)⁻¹.
            eps.AsSpan(n * d, d).CopyTo(w);
            DenseCholesky.TransposedSolve(_cholRows, d, w);
            for (int i = 0; i < d; i++)
            {
                z[n, i] = _mean[i] + w[i];
            }
        }
        return z;
    }

    /// <inheritdoc />
    public override double[] LogDensity(double[,] points)
    {
        CheckPoints(points);
        int d = Dimension, count = points.GetLength(0);
        double logDet = DenseCholesky.HalfLogDeterminant(_cholRows, d);
        var result = new double[count];
        var centred = new double[d];
        var projected = new double[d];
        for (int n = 0; n < count; n++)
        {
            for (int i = 0; i < d; i++)
            {
                centred[i] = points[n, i] - _mean[i];
            }
            DenseCholesky.LowerTransposeTimes(_cholRows, d, centred, projected);
            double quad = 0;
            foreach (double p in projected)
            {
                quad += p * p;
            }
            result[n] = logDet - 0.5 * (d * Log2Pi + quad);
        }
        return result;
    }

    private double[,] ComputeCovariance()
    {
        int d = Dimension;
        // M = L⁻¹ (lower triangular): the forward solve of L M = I, then Σ = Mᵀ M.
        var identity = new double[d * d];
        for (int i = 0; i < d; i++)
        {
            identity[i * d + i] = 1;
        }
        DenseCholesky.ForwardSolveColumns(_cholRows, d, identity, d);
        var m = Matrix.FromRowMajor(identity, d, d);
        var cov = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double s = 0;
                for (int k = i; k < d; k++)
                {
                    s += m[k, i] * m[k, j];
                }
                cov[i, j] = s;
                cov[j, i] = s;
            }
        }
        return cov;
    }
}
