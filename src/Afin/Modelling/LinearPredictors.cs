using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Afin.Modelling;

/// <summary>
/// The predictors eta = X z + o of one point from the transposed design: a matrix-vector product vectorised along the rows,
/// with four vectors of rows accumulated at once so that the additions do not wait on each other.
/// </summary>
internal static class LinearPredictors
{
    /// <param name="columns">The design transposed, d x N row-major: column j of X is [j * N, (j + 1) * N).</param>
    /// <param name="rows">N.</param>
    /// <param name="z">The point, length d.</param>
    /// <param name="offset">o, length N, or null for none.</param>
    /// <param name="eta">Receives the N predictors.</param>
    // Vector<T> code is not precompiled (its width is the machine's), and unoptimised it is many times slower:
    // compile it optimised at first call, so a one-problem process does not pay for the warm-up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Compute(double[] columns, int rows, ReadOnlySpan<double> z, double[]? offset, Span<double> eta)
    {
        int w = Vector<double>.Count, d = z.Length, n = 0;
        ref double column0 = ref MemoryMarshal.GetArrayDataReference(columns);
        for (; n + 4 * w <= rows; n += 4 * w)
        {
            Vector<double> a0 = Start(offset, n), a1 = Start(offset, n + w), a2 = Start(offset, n + 2 * w), a3 = Start(offset, n + 3 * w);
            for (int j = 0; j < d; j++)
            {
                var zj = new Vector<double>(z[j]);
                nuint at = (nuint)(j * rows + n);
                a0 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref column0, at), zj, a0);
                a1 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref column0, at + (nuint)w), zj, a1);
                a2 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref column0, at + (nuint)(2 * w)), zj, a2);
                a3 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref column0, at + (nuint)(3 * w)), zj, a3);
            }
            a0.CopyTo(eta.Slice(n));
            a1.CopyTo(eta.Slice(n + w));
            a2.CopyTo(eta.Slice(n + 2 * w));
            a3.CopyTo(eta.Slice(n + 3 * w));
        }
        for (; n + w <= rows; n += w)
        {
            var a = Start(offset, n);
            for (int j = 0; j < d; j++)
            {
                a = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref column0, (nuint)(j * rows + n)), new Vector<double>(z[j]), a);
            }
            a.CopyTo(eta.Slice(n));
        }
        for (; n < rows; n++)
        {
            double a = offset is null ? 0 : offset[n];
            for (int j = 0; j < d; j++)
            {
                a += columns[j * rows + n] * z[j];
            }
            eta[n] = a;
        }
    }

    /// <summary>The offsets of rows [n, n + w) as a vector, or zero.</summary>
    private static Vector<double> Start(double[]? offset, int n) => offset is null ? Vector<double>.Zero : new Vector<double>(offset, n);
}
