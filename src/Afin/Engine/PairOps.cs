using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Afin.Engine;

/// <summary>
/// The permutation-equivariant summaries and symmetrisations of one token: a pair tensor (d x d x C, entry (i, j) at
/// (i·d + j)·C) and a node tensor (d x C), both row-major float32, as the torch modules' PairOps defines them.
/// </summary>
internal static class PairOps
{
    /// <summary>row_i = mean_j P[i, j] (d x C).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RowMeans(ReadOnlySpan<float> pair, int d, int c, Span<float> row)
    {
        float scale = 1f / d;
        for (int i = 0; i < d; i++)
        {
            var dst = row.Slice(i * c, c);
            pair.Slice(i * d * c, c).CopyTo(dst);
            for (int j = 1; j < d; j++)
            {
                VectorMath.AddInPlace(dst, pair.Slice((i * d + j) * c, c));
            }
            TensorPrimitives.Multiply(dst, scale, dst);
        }
    }

    /// <summary>col_j = mean_i P[i, j] (d x C).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ColMeans(ReadOnlySpan<float> pair, int d, int c, Span<float> col)
    {
        pair[..(d * c)].CopyTo(col);
        for (int i = 1; i < d; i++)
        {
            VectorMath.AddInPlace(col[..(d * c)], pair.Slice(i * d * c, d * c));
        }
        TensorPrimitives.Multiply(col[..(d * c)], 1f / d, col[..(d * c)]);
    }

    /// <summary>diag_i = P[i, i] (d x C).</summary>
    public static void Diagonal(ReadOnlySpan<float> pair, int d, int c, Span<float> diag)
    {
        for (int i = 0; i < d; i++)
        {
            pair.Slice((i * d + i) * c, c).CopyTo(diag.Slice(i * c, c));
        }
    }

    /// <summary>The mean of <paramref name="rows"/> rows of C values (the global pair mean over d² entries, the node mean over d).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MeanOfRows(ReadOnlySpan<float> values, int rows, int c, Span<float> mean)
    {
        var dst = mean[..c];
        values[..c].CopyTo(dst);
        for (int r = 1; r < rows; r++)
        {
            VectorMath.AddInPlace(dst, values.Slice(r * c, c));
        }
        TensorPrimitives.Multiply(dst, 1f / rows, dst);
    }

    /// <summary>
    /// The reference's rich node features [n_i, ½(row_i + col_i), diag_i, gN, gP] (d x 5C). Their first 3C channels are
    /// also the flow context's node input, so that MLP reads this buffer with a row stride of 5C.
    /// </summary>
    public static void RichNodeFeatures(ReadOnlySpan<float> pair, ReadOnlySpan<float> node, int d, int c, Span<float> rich)
    {
        var arena = ScratchArena<float>.ForThread;
        using var scope = arena.Scope();
        var row = arena.Rent(d * c);
        var col = arena.Rent(d * c);
        var gN = arena.Rent(c);
        var gP = arena.Rent(c);
        RowMeans(pair, d, c, row);
        ColMeans(pair, d, c, col);
        MeanOfRows(node, d, c, gN);
        MeanOfRows(pair, d * d, c, gP);
        int w = 5 * c;
        for (int i = 0; i < d; i++)
        {
            var dst = rich.Slice(i * w, w);
            node.Slice(i * c, c).CopyTo(dst);
            var rc = dst.Slice(c, c);
            TensorPrimitives.Add(row.Slice(i * c, c), col.Slice(i * c, c), rc);
            TensorPrimitives.Multiply(rc, 0.5f, rc);
            pair.Slice((i * d + i) * c, c).CopyTo(dst.Slice(2 * c, c));
            gN.CopyTo(dst.Slice(3 * c, c));
            gP.CopyTo(dst.Slice(4 * c, c));
        }
    }

    /// <summary>P ← ½(P + Pᵀ) over the two coordinate axes, in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Symmetrise(Span<float> pair, int d, int c)
    {
        if (pair.Length < d * d * c)
        {
            throw new ArgumentException("the pair tensor is shorter than d·d·C", nameof(pair));
        }
        ref float p0 = ref MemoryMarshal.GetReference(pair);
        var half = Vector256.Create(0.5f);
        int vectorEnd = Vector256.IsHardwareAccelerated ? c - c % Vector256<float>.Count : 0;
        for (int i = 0; i < d; i++)
        {
            for (int j = i + 1; j < d; j++)
            {
                ref float a = ref Unsafe.Add(ref p0, (i * d + j) * c);
                ref float b = ref Unsafe.Add(ref p0, (j * d + i) * c);
                for (int k = 0; k < vectorEnd; k += Vector256<float>.Count)
                {
                    var mean = (Vector256.LoadUnsafe(ref Unsafe.Add(ref a, k)) + Vector256.LoadUnsafe(ref Unsafe.Add(ref b, k))) * half;
                    mean.StoreUnsafe(ref Unsafe.Add(ref a, k));
                    mean.StoreUnsafe(ref Unsafe.Add(ref b, k));
                }
                for (int k = vectorEnd; k < c; k++)
                {
                    float mean = (Unsafe.Add(ref a, k) + Unsafe.Add(ref b, k)) * 0.5f;
                    Unsafe.Add(ref a, k) = mean;
                    Unsafe.Add(ref b, k) = mean;
                }
            }
        }
    }

    /// <summary>
    /// P ← P + sym(Δ), and then P ← sym(P) when <paramref name="symmetriseResult"/> (the merge blocks' residuals;
    /// the box layer's is not symmetrised again), per entry with sym(Δ)_ij = ½(Δ_ij + Δ_ji).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddSymmetrised(Span<float> pair, ReadOnlySpan<float> delta, int d, int c, bool symmetriseResult)
    {
        if (pair.Length < d * d * c || delta.Length < d * d * c)
        {
            throw new ArgumentException("the pair tensors are shorter than d·d·C");
        }
        ref float p0 = ref MemoryMarshal.GetReference(pair);
        ref float q0 = ref MemoryMarshal.GetReference(delta);
        var half = Vector256.Create(0.5f);
        int vectorEnd = Vector256.IsHardwareAccelerated ? c - c % Vector256<float>.Count : 0;
        for (int i = 0; i < d; i++)
        {
            for (int j = i; j < d; j++)
            {
                ref float pij = ref Unsafe.Add(ref p0, (i * d + j) * c);
                ref float pji = ref Unsafe.Add(ref p0, (j * d + i) * c);
                ref float qij = ref Unsafe.Add(ref q0, (i * d + j) * c);
                ref float qji = ref Unsafe.Add(ref q0, (j * d + i) * c);
                for (int k = 0; k < vectorEnd; k += Vector256<float>.Count)
                {
                    var s = (Vector256.LoadUnsafe(ref Unsafe.Add(ref qij, k)) + Vector256.LoadUnsafe(ref Unsafe.Add(ref qji, k))) * half;
                    var a = Vector256.LoadUnsafe(ref Unsafe.Add(ref pij, k)) + s;
                    var b = Vector256.LoadUnsafe(ref Unsafe.Add(ref pji, k)) + s;
                    if (symmetriseResult)
                    {
                        a = b = (a + b) * half;
                    }
                    // On the diagonal a and b are the same entry, and equal.
                    b.StoreUnsafe(ref Unsafe.Add(ref pji, k));
                    a.StoreUnsafe(ref Unsafe.Add(ref pij, k));
                }
                for (int k = vectorEnd; k < c; k++)
                {
                    float s = (Unsafe.Add(ref qij, k) + Unsafe.Add(ref qji, k)) * 0.5f;
                    float a = Unsafe.Add(ref pij, k) + s, b = Unsafe.Add(ref pji, k) + s;
                    if (symmetriseResult)
                    {
                        a = b = (a + b) * 0.5f;
                    }
                    Unsafe.Add(ref pji, k) = b;
                    Unsafe.Add(ref pij, k) = a;
                }
            }
        }
    }
}
