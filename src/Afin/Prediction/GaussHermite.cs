using MathNet.Numerics.LinearAlgebra;

namespace Afin.Prediction;

/// <summary>
/// Gauss-Hermite nodes and weights for expectations under a standard normal, from the eigen-decomposition of the
/// Hermite polynomials' Jacobi matrix (Golub-Welsch).
/// </summary>
internal static class GaussHermite
{
    /// <summary>The node count: a logistic or exponential of a Gaussian is integrated to about 1e-10 with it.</summary>
    public const int NodeCount = 40;

    /// <summary>Nodes u_k and weights w_k with Σ w_k f(u_k) ≈ E f(U), U ~ N(0, 1).</summary>
    public static (double[] Nodes, double[] Weights) Standard { get; } = Compute(NodeCount);

    internal static (double[] Nodes, double[] Weights) Compute(int n)
    {
        // Probabilists' Hermite polynomials: x He_k = He_{k+1} + k He_{k-1}, so the Jacobi matrix has sqrt(k) off the diagonal.
        var jacobi = Matrix<double>.Build.Dense(n, n);
        for (int k = 1; k < n; k++)
        {
            jacobi[k, k - 1] = jacobi[k - 1, k] = Math.Sqrt(k);
        }
        var evd = jacobi.Evd(Symmetricity.Symmetric);
        var nodes = evd.EigenValues.Select(v => v.Real).ToArray();
        var weights = Enumerable.Range(0, n).Select(k => evd.EigenVectors[0, k] * evd.EigenVectors[0, k]).ToArray();
        double total = weights.Sum();
        return (nodes, weights.Select(w => w / total).ToArray());
    }
}
