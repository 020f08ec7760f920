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
    public static void ChannelDots(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int channels, Span<float> sums)
    {
        if (a.Length != b.Length || a.Length % channels != 0)
        {
            throw new ArgumentException("the tensors must hold the same whole number of entries");
        }
        int vectors = channels / Vector256<float>.Count;
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

    /// <summary>dst[e·C + c] += weights[c]·src[e·C + c] over all entries.</summary>
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
}
