using TorchSharp;
using static TorchSharp.torch;

namespace Afin.Network.Modules;

/// <summary>
/// Gaussian head: precision Λ = A + diag(D) with A = sym(scale·offdiag_head(pair)) (zero diagonal) and
/// D_i = Σ_j |A_ij| + softplus(diag_head(node)_i) + 1e-4 (strictly diagonally dominant, so SPD), built and factorised
/// in float64; mean from mean_head on the rich node features. At initialisation q ≈ N(0, I).
/// </summary>
internal sealed class GaussianDecoder : nn.Module<Tensor, Tensor, (Tensor Mean, Tensor Cholesky)>
{
    private readonly Mlp offdiag_head;
    private readonly Mlp diag_head;
    private readonly Mlp mean_head;
    private readonly double _residualScale;

    /// <summary>Creates the three heads.</summary>
    public GaussianDecoder(long channels, long hiddenDim, int numLayers, double residualScale) : base(nameof(GaussianDecoder))
    {
        _residualScale = residualScale;
        offdiag_head = new Mlp(channels, 1, hiddenDim, numLayers);
        diag_head = new Mlp(channels, 1, hiddenDim, numLayers);
        mean_head = new Mlp(5 * channels, 1, hiddenDim, numLayers);
        offdiag_head.ZeroLast();
        diag_head.InitSoftplusUnit();
        mean_head.ZeroLast();
        RegisterComponents();
    }

    /// <summary>Returns the mean (B,d) and the lower Cholesky factor of the precision (B,d,d), both float64.</summary>
    /// <exception cref="InvalidOperationException">The Cholesky factorisation failed even with jitter (non-finite input).</exception>
    public override (Tensor Mean, Tensor Cholesky) forward(Tensor pair, Tensor node)
    {
        long d = pair.shape[^2];
        var r = offdiag_head.forward(pair).squeeze(-1).to(ScalarType.Float64).mul(TorchScalars.Of(_residualScale));
        var eye = torch.eye(d, dtype: ScalarType.Float64, device: pair.device);
        var a = PairOps.Sym(r) * (ones_like(eye) - eye);
        var diag = a.abs().sum(-1) + Softplus(diag_head.forward(node).squeeze(-1).to(ScalarType.Float64)).add(TorchScalars.Of(1e-4));
        var precision = PairOps.Sym(a + diag.diag_embed());
        var chol = SafeCholesky(precision);
        var mean = mean_head.forward(PairOps.RichNodeFeatures(pair, node)).squeeze(-1).to(ScalarType.Float64);
        return (mean, chol);
    }

    /// <summary>
    /// softplus(x) = max(x, 0) + log(1 + e^-|x|), composed from Scalar-free operations: TorchSharp's
    /// own softplus builds its beta and threshold Scalars internally, unprotected (see <see cref="TorchScalars"/>).
    /// </summary>
    private static Tensor Softplus(Tensor x) => x.relu() + x.abs().neg().exp().log1p();

    /// <summary>
    /// Cholesky with the reference's jitter retries: plain first, then + τ·10^a·I for a = 0, 1 on the failed matrices,
    /// τ = max(1e-12·mean|diag|, 1e-10).
    /// </summary>
    internal static Tensor SafeCholesky(Tensor matrix)
    {
        var (chol, info) = linalg.cholesky_ex(matrix);
        var bad = info.gt(0);
        if (!bad.any().item<bool>())
        {
            return chol;
        }
        long d = matrix.shape[^1];
        var eye = torch.eye(d, dtype: matrix.dtype, device: matrix.device);
        var baseJitter = matrix.diagonal(0, -2, -1).abs().mean([-1L]).mul(TorchScalars.Of(1e-12)).clamp_min(TorchScalars.Of(1e-10));
        var total = zeros_like(baseJitter);
        for (int attempt = 0; attempt < 2; attempt++)
        {
            total = where(bad, maximum(total, baseJitter.mul(TorchScalars.Of(Math.Pow(10, attempt)))), total);
            (chol, info) = linalg.cholesky_ex(matrix + eye * total.unsqueeze(-1).unsqueeze(-1));
            bad = info.gt(0);
            if (!bad.any().item<bool>())
            {
                return chol;
            }
        }
        throw new InvalidOperationException("SPD Cholesky of the decoded precision failed even with jitter (non-finite network output?).");
    }
}
