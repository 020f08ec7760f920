using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Afin.Modelling;

/// <summary>Conversions between the public <c>double[,]</c> form of matrices and the flat row-major form used internally.</summary>
internal static class Matrix
{
    internal static double[] ToRowMajor(double[,] m)
    {
        var flat = new double[m.Length];
        int cols = m.GetLength(1);
        for (int i = 0; i < m.GetLength(0); i++)
        {
            for (int j = 0; j < cols; j++)
            {
                flat[i * cols + j] = m[i, j];
            }
        }
        return flat;
    }

    internal static double[,] FromRowMajor(ReadOnlySpan<double> flat, int rows, int cols)
    {
        var m = new double[rows, cols];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                m[i, j] = flat[i * cols + j];
            }
        }
        return m;
    }

    /// <summary>The transpose of a row-major rows x columns matrix, row-major (columns x rows).</summary>
    internal static double[] Transpose(double[] rowMajor, int rows, int columns)
    {
        var transposed = new double[rowMajor.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                transposed[c * rows + r] = rowMajor[r * columns + c];
            }
        }
        return transposed;
    }

    // Vector<T> code is not precompiled (its width is the machine's), and unoptimised it is many times slower:
    // compile it optimised at first call, so a one-problem process does not pay for the warm-up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        // Vectorised: the linear predictor is the inner loop of every NUTS gradient.
        var va = MemoryMarshal.Cast<double, Vector<double>>(a);
        var vb = MemoryMarshal.Cast<double, Vector<double>>(b);
        var acc = Vector<double>.Zero;
        for (int i = 0; i < va.Length; i++)
        {
            acc += va[i] * vb[i];
        }
        double s = Vector.Sum(acc);
        for (int i = va.Length * Vector<double>.Count; i < a.Length; i++)
        {
            s += a[i] * b[i];
        }
        return s;
    }

    /// <summary>target += alpha * x, the gradient accumulation used by every linear family.</summary>
    // Vector<T> code is not precompiled (its width is the machine's), and unoptimised it is many times slower:
    // compile it optimised at first call, so a one-problem process does not pay for the warm-up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void AddScaled(Span<double> target, double alpha, ReadOnlySpan<double> x)
    {
        var vt = MemoryMarshal.Cast<double, Vector<double>>(target);
        var vx = MemoryMarshal.Cast<double, Vector<double>>(x);
        for (int i = 0; i < vt.Length; i++)
        {
            vt[i] += alpha * vx[i];
        }
        for (int i = vt.Length * Vector<double>.Count; i < target.Length; i++)
        {
            target[i] += alpha * x[i];
        }
    }
}
