using MathNet.Numerics.LinearAlgebra;

namespace Afin.Laplace;

/// <summary>Makes a symmetric matrix positive definite by raising its eigenvalues to a floor, keeping its eigenvectors.</summary>
internal static class EigenvalueFloor
{
    /// <summary>The floor relative to the largest absolute eigenvalue.</summary>
    private const double RelativeFloor = 1e-8;

    /// <summary>Rewrites the lower triangle of the row-major d x d matrix with every eigenvalue at least the floor.</summary>
    internal static void Apply(double[] lower, int d)
    {
        var matrix = Matrix<double>.Build.Dense(d, d, (i, j) => i >= j ? lower[i * d + j] : lower[j * d + i]);
        var evd = matrix.Evd(Symmetricity.Symmetric);
        var values = evd.EigenValues.Select(v => v.Real).ToArray();
        double floor = RelativeFloor * Math.Max(values.Max(Math.Abs), double.Epsilon);
        var clamped = Matrix<double>.Build.DiagonalOfDiagonalArray(values.Select(v => Math.Max(v, floor)).ToArray());
        var rebuilt = evd.EigenVectors * clamped * evd.EigenVectors.Transpose();
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                lower[i * d + j] = rebuilt[i, j];
            }
        }
    }
}
