using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Afin.Engine;

/// <summary>
/// Per-channel reductions over the entries of token tensors (rows of C channels), which the attention needs per head:
/// a head owns C/H adjacent channels, often only two, so it works on all channels at once and splits by head after.
/// </summary>
internal static class ChannelKernels
{
    /// <summary>sums[c] = Σ_e a[e·C + c]·b[e·C + c] over the entries of two equally long tensors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ChannelDots(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int channels, Span<float> sums)
    {
        if (a.Length != b.Length || a.Length % channels != 0)
        {
            throw new ArgumentException("the tensors must hold the same whole number of entries");
        }
        int vectors = channels / Vector256<float>.Count;
        if (Vector256.IsHardwareAccelerated && channels == 2 * Vector256<float>.Count)
        {
            SixteenChannelDots(a, b, sums);
            return;
        }
        if (Vector256.IsHardwareAccelerated && channels % Vector256<float>.Count == 0 && vectors <= 8)
        {
            Span<Vector256<float>> acc = stackalloc Vector256<float>[vectors];
            acc.Clear();
            ref float pa = ref MemoryMarshal.GetReference(a);
            ref float pb = ref MemoryMarshal.GetReference(b);
            for (int at = 0; at < a.Length; at += channels)
            {
                for (int v = 0; v < vectors; v++)
                {
                    int offset = at + v * Vector256<float>.Count;
                    acc[v] += Vector256.LoadUnsafe(ref Unsafe.Add(ref pa, offset)) * Vector256.LoadUnsafe(ref Unsafe.Add(ref pb, offset));
                }
            }
            for (int v = 0; v < vectors; v++)
            {
                acc[v].CopyTo(sums.Slice(v * Vector256<float>.Count, Vector256<float>.Count));
            }
            return;
        }
        sums[..channels].Clear();
        for (int at = 0; at < a.Length; at += channels)
        {
            for (int c = 0; c < channels; c++)
            {
                sums[c] += a[at + c] * b[at + c];
            }
        }
    }

    /// <summary>
    /// <see cref="ChannelDots"/> for C = 16 (the shipped width), four entries per step into eight independent accumulators:
    /// with one accumulator per channel block the loop waited on its own additions, a quarter of the multiply-add rate.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SixteenChannelDots(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> sums)
    {
        ref float pa = ref MemoryMarshal.GetReference(a);
        ref float pb = ref MemoryMarshal.GetReference(b);
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
        int at = 0;
        for (; at + 64 <= a.Length; at += 64)
        {
            ref float xa = ref Unsafe.Add(ref pa, at);
            ref float xb = ref Unsafe.Add(ref pb, at);
            s0 = VectorMath.MultiplyAdd(Vector256.LoadUnsafe(ref xa), Vector256.LoadUnsafe(ref xb), s0);
            s1 = VectorMath.MultiplyAdd(Vector256.LoadUnsafe(ref xa, 8), Vector256.LoadUnsafe(ref xb, 8), s1);
            s2 = VectorMath.MultiplyAdd(Vector256.LoadUnsafe(ref xa, 16), Vector256.LoadUnsafe(ref xb, 16), s2);
            s3 = VectorMath.MultiplyAdd(Vector256.LoadUnsafe(ref xa, 24), Vector256.LoadUnsafe(ref xb, 24), s3);
            s4 = VectorMath.MultiplyAdd(Vector256.LoadUnsafe(ref xa, 32), Vector256.LoadUnsafe(ref xb, 32), s4);
            s5 = VectorMath.MultiplyAdd(Vector256.LoadUnsafe(ref xa, 40), Vector256.LoadUnsafe(ref xb, 40), s5);
            s6 = VectorMath.MultiplyAdd(Vector256.LoadUnsafe(ref xa, 48), Vector256.LoadUnsafe(ref xb, 48), s6);
            s7 = VectorMath.MultiplyAdd(Vector256.LoadUnsafe(ref xa, 56), Vector256.LoadUnsafe(ref xb, 56), s7);
        }
        for (; at < a.Length; at += 16)
        {
            s0 = VectorMath.MultiplyAdd(Vector256.LoadUnsafe(ref pa, (nuint)at), Vector256.LoadUnsafe(ref pb, (nuint)at), s0);
            s1 = VectorMath.MultiplyAdd(Vector256.LoadUnsafe(ref pa, (nuint)(at + 8)), Vector256.LoadUnsafe(ref pb, (nuint)(at + 8)), s1);
        }
        ((s0 + s2) + (s4 + s6)).CopyTo(sums[..8]);
        ((s1 + s3) + (s5 + s7)).CopyTo(sums.Slice(8, 8));
    }

    /// <summary>dst[e·C + c] += weights[c]·src[e·C + c] over all entries.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddChannelScaled(Span<float> dst, ReadOnlySpan<float> src, ReadOnlySpan<float> weights, int channels)
    {
        if (dst.Length != src.Length || dst.Length % channels != 0)
        {
            throw new ArgumentException("the tensors must hold the same whole number of entries");
        }
        int vectors = channels / Vector256<float>.Count;
        if (Vector256.IsHardwareAccelerated && channels % Vector256<float>.Count == 0 && vectors <= 8)
        {
            Span<Vector256<float>> w = stackalloc Vector256<float>[vectors];
            for (int v = 0; v < vectors; v++)
            {
                w[v] = Vector256.Create(weights.Slice(v * Vector256<float>.Count, Vector256<float>.Count));
            }
            ref float pd = ref MemoryMarshal.GetReference(dst);
            ref float ps = ref MemoryMarshal.GetReference(src);
            for (int at = 0; at < dst.Length; at += channels)
            {
                for (int v = 0; v < vectors; v++)
                {
                    ref float target = ref Unsafe.Add(ref pd, at + v * Vector256<float>.Count);
                    var sum = Vector256.LoadUnsafe(ref target) + w[v] * Vector256.LoadUnsafe(ref Unsafe.Add(ref ps, at + v * Vector256<float>.Count));
                    sum.StoreUnsafe(ref target);
                }
            }
            return;
        }
        for (int at = 0; at < dst.Length; at += channels)
        {
            for (int c = 0; c < channels; c++)
            {
                dst[at + c] += weights[c] * src[at + c];
            }
        }
    }

    /// <summary>
    /// v[(i·d + j)·W + k] = byI[i·W + k] + byJ[j·W + k] + products[i·d + j]·weight[k], plus diagonal[k] where i = j: a first
    /// layer whose input is a per-i part, a per-j part, one scalar per entry and the identity flag. Written to
    /// <paramref name="destination"/>, or, with <paramref name="addSiLU"/>, SiLU(v) added to it (the pooled adapter's sum over
    /// sites, which then never stores a site's activations).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PairFromParts(ReadOnlySpan<float> byI, ReadOnlySpan<float> byJ, ReadOnlySpan<float> products, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> diagonal, int d, int width, Span<float> destination, bool addSiLU)
    {
        if (byI.Length < d * width || byJ.Length < d * width || products.Length < d * d || weight.Length < width || diagonal.Length < width || destination.Length < d * d * width)
        {
            throw new ArgumentException("the parts are too short for d and the width");
        }
        int tail = Vector256.IsHardwareAccelerated ? width - width % Vector256<float>.Count : 0;
        ref float pi0 = ref MemoryMarshal.GetReference(byI);
        ref float pj0 = ref MemoryMarshal.GetReference(byJ);
        ref float w0 = ref MemoryMarshal.GetReference(weight);
        ref float g0 = ref MemoryMarshal.GetReference(diagonal);
        ref float out0 = ref MemoryMarshal.GetReference(destination);
        for (int i = 0; i < d; i++)
        {
            ref float pi = ref Unsafe.Add(ref pi0, i * width);
            for (int j = 0; j < d; j++)
            {
                ref float pj = ref Unsafe.Add(ref pj0, j * width);
                ref float dst = ref Unsafe.Add(ref out0, (i * d + j) * width);
                float product = products[i * d + j];
                float onDiagonal = i == j ? 1f : 0f;
                var scale = Vector256.Create(product);
                var flag = Vector256.Create(onDiagonal);
                for (int v = 0; v < tail; v += Vector256<float>.Count)
                {
                    var value = Vector256.LoadUnsafe(ref Unsafe.Add(ref pi, v)) + Vector256.LoadUnsafe(ref Unsafe.Add(ref pj, v));
                    value = VectorMath.MultiplyAdd(scale, Vector256.LoadUnsafe(ref Unsafe.Add(ref w0, v)), value);
                    value = VectorMath.MultiplyAdd(flag, Vector256.LoadUnsafe(ref Unsafe.Add(ref g0, v)), value);
                    ref float target = ref Unsafe.Add(ref dst, v);
                    if (addSiLU)
                    {
                        value = Vector256.LoadUnsafe(ref target) + VectorMath.SiLU(value);
                    }
                    value.StoreUnsafe(ref target);
                }
                for (int k = tail; k < width; k++)
                {
                    float value = Unsafe.Add(ref pi, k) + Unsafe.Add(ref pj, k) + product * Unsafe.Add(ref w0, k) + onDiagonal * Unsafe.Add(ref g0, k);
                    Unsafe.Add(ref dst, k) = addSiLU ? Unsafe.Add(ref dst, k) + value / (1f + MathF.Exp(-value)) : value;
                }
            }
        }
    }
}
