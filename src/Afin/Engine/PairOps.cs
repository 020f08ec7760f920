using System.Numerics.Tensors;

namespace Afin.Engine;

/// <summary>
/// The permutation-equivariant summaries and symmetrisations of one token: a pair tensor (d x d x C, entry (i, j) at
/// (i·d + j)·C) and a node tensor (d x C), both row-major float32, as the torch modules' PairOps defines them.
/// </summary>
internal static class PairOps
{
    /// <summary>row_i = mean_j P[i, j] (d x C).</summary>
    public static void RowMeans(ReadOnlySpan<float> pair, int d, int c, Span<float> row)
    {
        float scale = 1f / d;
        for (int i = 0; i < d; i++)
        {
            var dst = row.Slice(i * c, c);
            pair.Slice(i * d * c, c).CopyTo(dst);
            for (int j = 1; j < d; j++)
            {
                TensorPrimitives.Add(dst, pair.Slice((i * d + j) * c, c), dst);
            }
            TensorPrimitives.Multiply(dst, scale, dst);
        }
    }

    /// <summary>col_j = mean_i P[i, j] (d x C).</summary>
    public static void ColMeans(ReadOnlySpan<float> pair, int d, int c, Span<float> col)
    {
        pair[..(d * c)].CopyTo(col);
        for (int i = 1; i < d; i++)
        {
            TensorPrimitives.Add(col[..(d * c)], pair.Slice(i * d * c, d * c), col[..(d * c)]);
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
    public static void MeanOfRows(ReadOnlySpan<float> values, int rows, int c, Span<float> mean)
    {
        var dst = mean[..c];
        values[..c].CopyTo(dst);
        for (int r = 1; r < rows; r++)
        {
            TensorPrimitives.Add(dst, values.Slice(r * c, c), dst);
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
    public static void Symmetrise(Span<float> pair, int d, int c)
    {
        for (int i = 0; i < d; i++)
        {
            for (int j = i + 1; j < d; j++)
            {
                var a = pair.Slice((i * d + j) * c, c);
                var b = pair.Slice((j * d + i) * c, c);
                TensorPrimitives.Add(a, b, a);
                TensorPrimitives.Multiply(a, 0.5f, a);
                a.CopyTo(b);
            }
        }
    }

    /// <summary>
    /// P ← P + sym(Δ), and then P ← sym(P) when <paramref name="symmetriseResult"/> (the merge blocks' residuals;
    /// the box layer's is not symmetrised again), per entry with sym(Δ)_ij = ½(Δ_ij + Δ_ji).
    /// </summary>
    public static void AddSymmetrised(Span<float> pair, ReadOnlySpan<float> delta, int d, int c, bool symmetriseResult)
    {
        Span<float> s = stackalloc float[c];
        for (int i = 0; i < d; i++)
        {
            for (int j = i; j < d; j++)
            {
                var pij = pair.Slice((i * d + j) * c, c);
                var pji = pair.Slice((j * d + i) * c, c);
                TensorPrimitives.Add(delta.Slice((i * d + j) * c, c), delta.Slice((j * d + i) * c, c), s);
                TensorPrimitives.Multiply(s, 0.5f, s);
                if (i == j)
                {
                    TensorPrimitives.Add(pij, s, pij);
                    continue;
                }
                TensorPrimitives.Add(pij, s, pij);
                TensorPrimitives.Add(pji, s, pji);
                if (symmetriseResult)
                {
                    TensorPrimitives.Add(pij, pji, pij);
                    TensorPrimitives.Multiply(pij, 0.5f, pij);
                    pij.CopyTo(pji);
                }
            }
        }
    }
}
