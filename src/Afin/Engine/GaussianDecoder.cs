using Afin.Numerics;

namespace Afin.Engine;

/// <summary>
/// The Gaussian head: r = offdiag_head(P_ij), A = sym(scale·r) off the diagonal, D_i = Σ_j |A_ij| + softplus(diag_head(n_i))
/// + 1e-4, precision Λ = A + diag(D) assembled and factorised in float64 (strictly diagonally dominant, so SPD), with the
/// torch module's jitter retries; mean = mean_head(rich node features).
/// </summary>
internal sealed class GaussianDecoder
{
    private readonly Mlp _offDiagonal;
    private readonly Mlp _diagonal;
    private readonly Mlp _mean;
    private readonly double _residualScale;
    private readonly int _channels;

    public GaussianDecoder(WeightSet weights, int channels, int hidden, int layers, double residualScale)
    {
        _channels = channels;
        _residualScale = residualScale;
        _offDiagonal = Mlp.From(weights, "decoder.offdiag_head", channels, 1, hidden, layers);
        _diagonal = Mlp.From(weights, "decoder.diag_head", channels, 1, hidden, layers);
        _mean = Mlp.From(weights, "decoder.mean_head", 5 * channels, 1, hidden, layers);
    }

    /// <summary>The mean and the lower Cholesky factor of the precision from pooled features (pair d x d x C, node d x C).</summary>
    /// <exception cref="InvalidOperationException">The factorisation failed even with jitter (non-finite network output).</exception>
    public (double[] Mean, double[,] PrecisionCholesky) Decode(ReadOnlySpan<float> pair, ReadOnlySpan<float> node, int d)
    {
        int c = _channels;
        var arena = ScratchArena<float>.ForThread;
        using var scope = arena.Scope();
        var offDiagonal = arena.Rent(d * d);
        var diagonal = arena.Rent(d);
        var rich = arena.Rent(d * 5 * c);
        var meanOut = arena.Rent(d);
        _offDiagonal.Forward(pair, c, d * d, offDiagonal, 1);
        _diagonal.Forward(node, c, d, diagonal, 1);
        PairOps.RichNodeFeatures(pair, node, d, c, rich);
        _mean.Forward(rich, 5 * c, d, meanOut, 1);

        var doubles = ScratchArena<double>.ForThread;
        using var doubleScope = doubles.Scope();
        var precision = doubles.Rent(d * d);
        for (int i = 0; i < d; i++)
        {
            double absSum = 0;
            for (int j = 0; j < d; j++)
            {
                double a = i == j ? 0 : 0.5 * (offDiagonal[i * d + j] * _residualScale + offDiagonal[j * d + i] * _residualScale);
                precision[i * d + j] = a;
                absSum += Math.Abs(a);
            }
            precision[i * d + i] = absSum + (Activations.Softplus(diagonal[i]) + 1e-4);
        }
        var mean = new double[d];
        for (int i = 0; i < d; i++)
        {
            mean[i] = meanOut[i];
        }
        return (mean, SafeCholesky(precision, d));
    }

    /// <summary>
    /// Cholesky with the torch decoder's retries: plain first, then + τ·10^a·I for a = 0, 1, τ = max(1e-12·mean|diag|, 1e-10).
    /// </summary>
    internal static double[,] SafeCholesky(ReadOnlySpan<double> matrix, int d)
    {
        var doubles = ScratchArena<double>.ForThread;
        using var scope = doubles.Scope();
        var factor = doubles.Rent(d * d);
        double diagonalMean = 0;
        for (int i = 0; i < d; i++)
        {
            diagonalMean += Math.Abs(matrix[i * d + i]);
        }
        double jitter = Math.Max(1e-12 * (diagonalMean / d), 1e-10);
        for (int attempt = -1; attempt < 2; attempt++)
        {
            matrix.CopyTo(factor);
            if (attempt >= 0)
            {
                double added = jitter * Math.Pow(10, attempt);
                for (int i = 0; i < d; i++)
                {
                    factor[i * d + i] += added;
                }
            }
            if (DenseCholesky.Factor(factor, d))
            {
                var l = new double[d, d];
                for (int i = 0; i < d; i++)
                {
                    for (int j = 0; j <= i; j++)
                    {
                        l[i, j] = factor[i * d + j];
                    }
                }
                return l;
            }
        }
        throw new InvalidOperationException("SPD Cholesky of the decoded precision failed even with jitter (non-finite network output?).");
    }
}
