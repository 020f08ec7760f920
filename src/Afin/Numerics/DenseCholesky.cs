using System.Numerics;
using System.Runtime.InteropServices;

namespace Afin.Numerics;

/// <summary>
/// Dense lower-triangular kernels on row-major n x n matrices (only the lower triangle is read or written), in managed
/// code with <see cref="Vector{T}"/> inner loops.
/// </summary>
/// <remarks>
/// Written here rather than taken from torch because the benchmark factorises thousands of independent 256 x 256
/// matrices: on the 2-core development machine torch's batched float64 cholesky took 8-10 ms a matrix with two
/// intra-op threads and about 2.3 ms with one, against about 0.55 ms for <see cref="Factor"/>. Each matrix is worked
/// by one thread in a fixed order, so results do not depend on batching or thread scheduling.
/// </remarks>
internal static class DenseCholesky
{
    /// <summary>
    /// Overwrites the lower triangle of the symmetric matrix <paramref name="a"/> with its Cholesky factor L (A = L L^T).
    /// Rows are computed two at a time (Cholesky-Crout order) against two earlier rows at a time, so each pass over
    /// the common row prefix feeds four inner products from four loads instead of one from two: the factorisation is
    /// bound by loads from cache, and this roughly halves them.
    /// </summary>
    /// <returns>False when a pivot is not positive (the matrix is not numerically positive definite).</returns>
    internal static bool Factor(Span<double> a, int n)
    {
        for (int i = 0; i < n; i += 2)
        {
            bool pair = i + 1 < n;
            var rowI = a.Slice(i * n, n);
            // The last row of an odd n is paired with itself; its twin's results are simply not stored.
            var rowI1 = pair ? a.Slice((i + 1) * n, n) : rowI;
            // i is even, so the columns before it come in whole pairs (j, j + 1).
            for (int j = 0; j < i; j += 2)
            {
                var rowJ = a.Slice(j * n, n);
                var rowJ1 = a.Slice((j + 1) * n, n);
                Dot4(rowI[..j], rowI1[..j], rowJ[..j], rowJ1[..j], out double s00, out double s01, out double s10, out double s11);
                double ljj = rowJ[j], lj1j = rowJ1[j], lj1j1 = rowJ1[j + 1];
                double x0 = (rowI[j] - s00) / ljj;
                double x1 = (rowI[j + 1] - s01 - x0 * lj1j) / lj1j1;
                if (pair)
                {
                    double y0 = (rowI1[j] - s10) / ljj;
                    rowI1[j + 1] = (rowI1[j + 1] - s11 - y0 * lj1j) / lj1j1;
                    rowI1[j] = y0;
                }
                rowI[j] = x0;
                rowI[j + 1] = x1;
            }
            double pivot = rowI[i] - Dot(rowI[..i], rowI[..i]);
            if (!(pivot > 0) || !double.IsFinite(pivot))
            {
                return false;
            }
            rowI[i] = Math.Sqrt(pivot);
            if (pair)
            {
                rowI1[i] = (rowI1[i] - Dot(rowI1[..i], rowI[..i])) / rowI[i];
                double pivot1 = rowI1[i + 1] - Dot(rowI1[..(i + 1)], rowI1[..(i + 1)]);
                if (!(pivot1 > 0) || !double.IsFinite(pivot1))
                {
                    return false;
                }
                rowI1[i + 1] = Math.Sqrt(pivot1);
            }
        }
        return true;
    }

    /// <summary>y = L x for the lower factor <paramref name="l"/>.</summary>
    internal static void LowerTimes(ReadOnlySpan<double> l, int n, ReadOnlySpan<double> x, Span<double> y)
    {
        for (int i = 0; i < n; i++)
        {
            y[i] = Dot(l.Slice(i * n, i + 1), x[..(i + 1)]);
        }
    }

    /// <summary>
    /// y = Lᵀ x for the lower factor <paramref name="l"/>, as a sum of L's rows scaled by x: every pass reads a row in
    /// order, where a column of the row-major factor would stride through memory.
    /// </summary>
    internal static void LowerTransposeTimes(ReadOnlySpan<double> l, int n, ReadOnlySpan<double> x, Span<double> y)
    {
        y[..n].Clear();
        for (int i = 0; i < n; i++)
        {
            Modelling.Matrix.AddScaled(y[..(i + 1)], x[i], l.Slice(i * n, i + 1));
        }
    }

    /// <summary>||L^-1 z||^2 by forward substitution; <paramref name="work"/> holds n values.</summary>
    internal static double ForwardSquaredNorm(ReadOnlySpan<double> l, int n, ReadOnlySpan<double> z, Span<double> work)
    {
        double norm = 0;
        for (int i = 0; i < n; i++)
        {
            double y = (z[i] - Dot(l.Slice(i * n, i), work[..i])) / l[i * n + i];
            work[i] = y;
            norm += y * y;
        }
        return norm;
    }

    /// <summary>
    /// Solves L Y = B in place for <paramref name="columns"/> right-hand sides stored as the columns of the row-major
    /// n x columns matrix <paramref name="b"/> (row i of Y is row i of B minus a combination of earlier rows, so every
    /// update is a contiguous vector operation across the right-hand sides).
    /// </summary>
    internal static void ForwardSolveColumns(ReadOnlySpan<double> l, int n, Span<double> b, int columns)
    {
        for (int i = 0; i < n; i++)
        {
            var rowI = b.Slice(i * columns, columns);
            var li = l.Slice(i * n, i + 1);
            for (int k = 0; k < i; k++)
            {
                SubtractScaled(rowI, li[k], b.Slice(k * columns, columns));
            }
            double inverse = 1.0 / li[i];
            for (int c = 0; c < columns; c++)
            {
                rowI[c] *= inverse;
            }
        }
    }

    /// <summary>
    /// Solves L L^T x = b in place for the lower factor <paramref name="l"/>: forward substitution, then backward
    /// substitution by L^T (column i of L^T is row i of L, so both passes read rows of L).
    /// </summary>
    internal static void Solve(ReadOnlySpan<double> l, int n, Span<double> b)
    {
        for (int i = 0; i < n; i++)
        {
            b[i] = (b[i] - Dot(l.Slice(i * n, i), b[..i])) / l[i * n + i];
        }
        TransposedSolve(l, n, b);
    }

    /// <summary>
    /// Solves L^T x = b in place by backward substitution (column i of L^T is row i of L, so the pass reads rows of L).
    /// With L the factor of a precision, x = L^-T u maps standard normal u to a draw of covariance (L L^T)^-1.
    /// </summary>
    internal static void TransposedSolve(ReadOnlySpan<double> l, int n, Span<double> b)
    {
        for (int i = n - 1; i >= 0; i--)
        {
            b[i] /= l[i * n + i];
            double bi = b[i];
            var row = l.Slice(i * n, i);
            for (int k = 0; k < i; k++)
            {
                b[k] -= row[k] * bi;
            }
        }
    }

    /// <summary>sum_i log L_ii: half the log-determinant of L L^T.</summary>
    internal static double HalfLogDeterminant(ReadOnlySpan<double> l, int n)
    {
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            sum += Math.Log(l[i * n + i]);
        }
        return sum;
    }

    private static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        var vx = MemoryMarshal.Cast<double, Vector<double>>(x);
        var vy = MemoryMarshal.Cast<double, Vector<double>>(y);
        // Two accumulators hide the add latency; the order is fixed, so the sum is reproducible.
        var acc0 = Vector<double>.Zero;
        var acc1 = Vector<double>.Zero;
        int v = 0;
        for (; v + 1 < vx.Length; v += 2)
        {
            acc0 += vx[v] * vy[v];
            acc1 += vx[v + 1] * vy[v + 1];
        }
        if (v < vx.Length)
        {
            acc0 += vx[v] * vy[v];
        }
        double sum = Vector.Sum(acc0 + acc1);
        for (int k = vx.Length * Vector<double>.Count; k < x.Length; k++)
        {
            sum += x[k] * y[k];
        }
        return sum;
    }

    /// <summary>The four inner products of rows (x0, x1) with rows (y0, y1), all of one length, in one pass.</summary>
    private static void Dot4(
        ReadOnlySpan<double> x0, ReadOnlySpan<double> x1, ReadOnlySpan<double> y0, ReadOnlySpan<double> y1,
        out double s00, out double s01, out double s10, out double s11)
    {
        var vx0 = MemoryMarshal.Cast<double, Vector<double>>(x0);
        var vx1 = MemoryMarshal.Cast<double, Vector<double>>(x1);
        var vy0 = MemoryMarshal.Cast<double, Vector<double>>(y0);
        var vy1 = MemoryMarshal.Cast<double, Vector<double>>(y1);
        Vector<double> a00 = Vector<double>.Zero, a01 = Vector<double>.Zero, a10 = Vector<double>.Zero, a11 = Vector<double>.Zero;
        for (int v = 0; v < vx0.Length; v++)
        {
            var p = vx0[v];
            var q = vx1[v];
            var r = vy0[v];
            var t = vy1[v];
            a00 += p * r;
            a01 += p * t;
            a10 += q * r;
            a11 += q * t;
        }
        s00 = Vector.Sum(a00);
        s01 = Vector.Sum(a01);
        s10 = Vector.Sum(a10);
        s11 = Vector.Sum(a11);
        for (int k = vx0.Length * Vector<double>.Count; k < x0.Length; k++)
        {
            s00 += x0[k] * y0[k];
            s01 += x0[k] * y1[k];
            s10 += x1[k] * y0[k];
            s11 += x1[k] * y1[k];
        }
    }

    /// <summary>target -= scale * source, elementwise.</summary>
    private static void SubtractScaled(Span<double> target, double scale, ReadOnlySpan<double> source)
    {
        var vt = MemoryMarshal.Cast<double, Vector<double>>(target);
        var vs = MemoryMarshal.Cast<double, Vector<double>>(source);
        var s = new Vector<double>(scale);
        for (int v = 0; v < vt.Length; v++)
        {
            vt[v] -= s * vs[v];
        }
        for (int k = vt.Length * Vector<double>.Count; k < target.Length; k++)
        {
            target[k] -= scale * source[k];
        }
    }
}
