using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Afin.Engine;

/// <summary>
/// The one matrix-product kernel of the managed engine: C = A·B (+ bias, or + C) for row-major float32 matrices with
/// row strides, as Linear layers need it (A: rows x inner activations, B: inner x cols transposed weights).
/// </summary>
/// <remarks>
/// Register-blocked: four rows of A against sixteen columns of B at a time, eight 256-bit accumulators fed by one
/// broadcast of A and two loads of B per step, so each loaded B vector serves four rows and the loop is bound by the
/// fused multiply-adds, not by loads. The networks' widths (C, hidden) are multiples of 8 in every shipped model; other
/// widths run their last columns on the scalar path. B tiles of these networks (at most 240 x 192 floats) stay in
/// the L1/L2 caches, so no further blocking over the inner dimension is needed.
/// </remarks>
internal static class Gemm
{
    private const int RowBlock = 4;

    /// <summary>
    /// c[r, o] = start + <paramref name="bias"/>[o] + Σ_k a[r, k]·b[k, o] for r &lt; <paramref name="rows"/>,
    /// o &lt; <paramref name="cols"/>, where start is c[r, o] itself when <paramref name="accumulate"/> (a residual added in
    /// place), else 0, and an empty bias adds nothing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, ReadOnlySpan<float> bias,
        Span<float> c, int ldc, int rows, int inner, int cols, bool accumulate)
    {
        if (rows == 0 || cols == 0)
        {
            return;
        }
        CheckExtent(a.Length, rows, lda, inner, nameof(a));
        CheckExtent(b.Length, inner, ldb, cols, nameof(b));
        CheckExtent(c.Length, rows, ldc, cols, nameof(c));
        if (!bias.IsEmpty && bias.Length < cols)
        {
            throw new ArgumentException($"bias has {bias.Length} entries, {cols} needed", nameof(bias));
        }
        ref float a0 = ref MemoryMarshal.GetReference(a);
        ref float b0 = ref MemoryMarshal.GetReference(b);
        ref float c0 = ref MemoryMarshal.GetReference(c);
        ref float bias0 = ref MemoryMarshal.GetReference(bias);
        bool hasBias = !bias.IsEmpty;
        int r = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; r + RowBlock <= rows; r += RowBlock)
            {
                FourRows(ref Unsafe.Add(ref a0, r * lda), lda, ref b0, ldb, ref bias0, hasBias, ref Unsafe.Add(ref c0, r * ldc), ldc, inner, cols, accumulate);
            }
        }
        for (; r < rows; r++)
        {
            OneRow(ref Unsafe.Add(ref a0, r * lda), ref b0, ldb, ref bias0, hasBias, ref Unsafe.Add(ref c0, r * ldc), inner, cols, accumulate);
        }
    }

    private static void CheckExtent(int length, int rows, int stride, int width, string name)
    {
        if (stride < width || (long)(rows - 1) * stride + width > length)
        {
            throw new ArgumentException($"{name} holds {length} values, too few for {rows} rows of {width} with stride {stride}", name);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Start(ref float c, ref float bias, bool hasBias, bool accumulate)
    {
        var start = accumulate ? Vector256.LoadUnsafe(ref c) : Vector256<float>.Zero;
        return hasBias ? start + Vector256.LoadUnsafe(ref bias) : start;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FourRows(ref float a, int lda, ref float b, int ldb, ref float bias, bool hasBias, ref float c, int ldc, int inner, int cols, bool accumulate)
    {
        ref float a1 = ref Unsafe.Add(ref a, lda);
        ref float a2 = ref Unsafe.Add(ref a, 2 * lda);
        ref float a3 = ref Unsafe.Add(ref a, 3 * lda);
        ref float c1 = ref Unsafe.Add(ref c, ldc);
        ref float c2 = ref Unsafe.Add(ref c, 2 * ldc);
        ref float c3 = ref Unsafe.Add(ref c, 3 * ldc);
        int o = 0;
        for (; o + 16 <= cols; o += 16)
        {
            var s00 = Start(ref Unsafe.Add(ref c, o), ref Unsafe.Add(ref bias, o), hasBias, accumulate);
            var s01 = Start(ref Unsafe.Add(ref c, o + 8), ref Unsafe.Add(ref bias, o + 8), hasBias, accumulate);
            var s10 = Start(ref Unsafe.Add(ref c1, o), ref Unsafe.Add(ref bias, o), hasBias, accumulate);
            var s11 = Start(ref Unsafe.Add(ref c1, o + 8), ref Unsafe.Add(ref bias, o + 8), hasBias, accumulate);
            var s20 = Start(ref Unsafe.Add(ref c2, o), ref Unsafe.Add(ref bias, o), hasBias, accumulate);
            var s21 = Start(ref Unsafe.Add(ref c2, o + 8), ref Unsafe.Add(ref bias, o + 8), hasBias, accumulate);
            var s30 = Start(ref Unsafe.Add(ref c3, o), ref Unsafe.Add(ref bias, o), hasBias, accumulate);
            var s31 = Start(ref Unsafe.Add(ref c3, o + 8), ref Unsafe.Add(ref bias, o + 8), hasBias, accumulate);
            ref float bo = ref Unsafe.Add(ref b, o);
            for (int k = 0; k < inner; k++)
            {
                ref float bk = ref Unsafe.Add(ref bo, k * ldb);
                var v0 = Vector256.LoadUnsafe(ref bk);
                var v1 = Vector256.LoadUnsafe(ref bk, 8);
                var x0 = Vector256.Create(Unsafe.Add(ref a, k));
                var x1 = Vector256.Create(Unsafe.Add(ref a1, k));
                var x2 = Vector256.Create(Unsafe.Add(ref a2, k));
                var x3 = Vector256.Create(Unsafe.Add(ref a3, k));
                s00 = VectorMath.MultiplyAdd(x0, v0, s00);
                s01 = VectorMath.MultiplyAdd(x0, v1, s01);
                s10 = VectorMath.MultiplyAdd(x1, v0, s10);
                s11 = VectorMath.MultiplyAdd(x1, v1, s11);
                s20 = VectorMath.MultiplyAdd(x2, v0, s20);
                s21 = VectorMath.MultiplyAdd(x2, v1, s21);
                s30 = VectorMath.MultiplyAdd(x3, v0, s30);
                s31 = VectorMath.MultiplyAdd(x3, v1, s31);
            }
            s00.StoreUnsafe(ref Unsafe.Add(ref c, o));
            s01.StoreUnsafe(ref Unsafe.Add(ref c, o + 8));
            s10.StoreUnsafe(ref Unsafe.Add(ref c1, o));
            s11.StoreUnsafe(ref Unsafe.Add(ref c1, o + 8));
            s20.StoreUnsafe(ref Unsafe.Add(ref c2, o));
            s21.StoreUnsafe(ref Unsafe.Add(ref c2, o + 8));
            s30.StoreUnsafe(ref Unsafe.Add(ref c3, o));
            s31.StoreUnsafe(ref Unsafe.Add(ref c3, o + 8));
        }
        for (; o + 8 <= cols; o += 8)
        {
            var s0 = Start(ref Unsafe.Add(ref c, o), ref Unsafe.Add(ref bias, o), hasBias, accumulate);
            var s1 = Start(ref Unsafe.Add(ref c1, o), ref Unsafe.Add(ref bias, o), hasBias, accumulate);
            var s2 = Start(ref Unsafe.Add(ref c2, o), ref Unsafe.Add(ref bias, o), hasBias, accumulate);
            var s3 = Start(ref Unsafe.Add(ref c3, o), ref Unsafe.Add(ref bias, o), hasBias, accumulate);
            ref float bo = ref Unsafe.Add(ref b, o);
            for (int k = 0; k < inner; k++)
            {
                var v = Vector256.LoadUnsafe(ref Unsafe.Add(ref bo, k * ldb));
                s0 = VectorMath.MultiplyAdd(Vector256.Create(Unsafe.Add(ref a, k)), v, s0);
                s1 = VectorMath.MultiplyAdd(Vector256.Create(Unsafe.Add(ref a1, k)), v, s1);
                s2 = VectorMath.MultiplyAdd(Vector256.Create(Unsafe.Add(ref a2, k)), v, s2);
                s3 = VectorMath.MultiplyAdd(Vector256.Create(Unsafe.Add(ref a3, k)), v, s3);
            }
            s0.StoreUnsafe(ref Unsafe.Add(ref c, o));
            s1.StoreUnsafe(ref Unsafe.Add(ref c1, o));
            s2.StoreUnsafe(ref Unsafe.Add(ref c2, o));
            s3.StoreUnsafe(ref Unsafe.Add(ref c3, o));
        }
        if (o < cols)
        {
            ScalarColumns(ref a, ref b, ldb, ref bias, hasBias, ref c, inner, o, cols, accumulate);
            ScalarColumns(ref a1, ref b, ldb, ref bias, hasBias, ref c1, inner, o, cols, accumulate);
            ScalarColumns(ref a2, ref b, ldb, ref bias, hasBias, ref c2, inner, o, cols, accumulate);
            ScalarColumns(ref a3, ref b, ldb, ref bias, hasBias, ref c3, inner, o, cols, accumulate);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OneRow(ref float a, ref float b, int ldb, ref float bias, bool hasBias, ref float c, int inner, int cols, bool accumulate)
    {
        int o = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; o + 8 <= cols; o += 8)
            {
                var s = Start(ref Unsafe.Add(ref c, o), ref Unsafe.Add(ref bias, o), hasBias, accumulate);
                ref float bo = ref Unsafe.Add(ref b, o);
                for (int k = 0; k < inner; k++)
                {
                    s = VectorMath.MultiplyAdd(Vector256.Create(Unsafe.Add(ref a, k)), Vector256.LoadUnsafe(ref Unsafe.Add(ref bo, k * ldb)), s);
                }
                s.StoreUnsafe(ref Unsafe.Add(ref c, o));
            }
        }
        ScalarColumns(ref a, ref b, ldb, ref bias, hasBias, ref c, inner, o, cols, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScalarColumns(ref float a, ref float b, int ldb, ref float bias, bool hasBias, ref float c, int inner, int from, int cols, bool accumulate)
    {
        for (int o = from; o < cols; o++)
        {
            float s = (accumulate ? Unsafe.Add(ref c, o) : 0f) + (hasBias ? Unsafe.Add(ref bias, o) : 0f);
            for (int k = 0; k < inner; k++)
            {
                s = MathF.FusedMultiplyAdd(Unsafe.Add(ref a, k), Unsafe.Add(ref b, k * ldb + o), s);
            }
            Unsafe.Add(ref c, o) = s;
        }
    }
}
