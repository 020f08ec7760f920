using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Afin.Engine;

/// <summary>The few vector primitives the kernels share: a fused multiply-add where the CPU has one, and e^x.</summary>
internal static class VectorMath
{
    /// <summary>x·y + acc, fused (one rounding) where FMA exists, else multiplied and added.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> x, Vector256<float> y, Vector256<float> acc) =>
        Fma.IsSupported ? Fma.MultiplyAdd(x, y, acc) : x * y + acc;

    /// <summary>
    /// e^x, Cephes' single-precision expf (about 1 ulp): x clamped to [-87, 88], where 2^n stays a normal float;
    /// n = round(x / ln 2), r = x - n·ln 2 in two parts, e^r by a degree-7 polynomial, 2^n placed in the exponent bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(-87f)), Vector256.Create(88f));
        var scaled = x * Vector256.Create(1.44269504088896341f);
        // Rounding to the nearest integer: the conversion rounds by the default mode, and |n| ≤ 127 never saturates.
        var whole = Avx.IsSupported ? Avx.ConvertToVector256Int32(scaled) : Vector256.ConvertToInt32(Vector256.Round(scaled));
        var n = Vector256.ConvertToSingle(whole);
        var r = MultiplyAdd(n, Vector256.Create(-0.693359375f), x);
        r = MultiplyAdd(n, Vector256.Create(2.12194440e-4f), r);
        var p = Vector256.Create(1.9875691500e-4f);
        p = MultiplyAdd(p, r, Vector256.Create(1.3981999507e-3f));
        p = MultiplyAdd(p, r, Vector256.Create(8.3334519073e-3f));
        p = MultiplyAdd(p, r, Vector256.Create(4.1665795894e-2f));
        p = MultiplyAdd(p, r, Vector256.Create(1.6666665459e-1f));
        p = MultiplyAdd(p, r, Vector256.Create(5.0000001201e-1f));
        p = MultiplyAdd(p, r * r, r + Vector256<float>.One);
        var power = ((whole + Vector256.Create(127)) << 23).AsSingle();
        return p * power;
    }

    /// <summary>
    /// x·σ(x) = x / (1 + e^-x). The division is a reciprocal estimate refined by one Newton step (relative error about
    /// 2^-23, against the division's 2^-24) where the CPU has one: the divider was the slowest unit of the activation.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SiLU(Vector256<float> x)
    {
        var denominator = Vector256<float>.One + Exp(-x);
        if (!Avx.IsSupported)
        {
            return x / denominator;
        }
        var estimate = Avx.Reciprocal(denominator);
        // One Newton step for 1/a: y ← y·(2 − a·y).
        estimate *= MultiplyAdd(-denominator, estimate, Vector256.Create(2f));
        return x * estimate;
    }

    /// <summary>
    /// destination = a + scale·x, element by element over <paramref name="destination"/>'s length. The library's
    /// equivalents validate overlap and dispatch on every call, which costs more than the work on the 16- to 48-wide rows
    /// these kernels see a few hundred times a pass.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddScaled(ReadOnlySpan<float> a, ReadOnlySpan<float> x, float scale, Span<float> destination)
    {
        int length = destination.Length;
        if (a.Length < length || x.Length < length)
        {
            throw new ArgumentException("the inputs are shorter than the destination");
        }
        ref float a0 = ref MemoryMarshal.GetReference(a);
        ref float x0 = ref MemoryMarshal.GetReference(x);
        ref float d0 = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var s = Vector256.Create(scale);
            for (; i + Vector256<float>.Count <= length; i += Vector256<float>.Count)
            {
                MultiplyAdd(s, Vector256.LoadUnsafe(ref Unsafe.Add(ref x0, i)), Vector256.LoadUnsafe(ref Unsafe.Add(ref a0, i)))
                    .StoreUnsafe(ref Unsafe.Add(ref d0, i));
            }
        }
        for (; i < length; i++)
        {
            Unsafe.Add(ref d0, i) = MathF.FusedMultiplyAdd(scale, Unsafe.Add(ref x0, i), Unsafe.Add(ref a0, i));
        }
    }

    /// <summary>destination += x, element by element over <paramref name="destination"/>'s length (see <see cref="AddScaled"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddInPlace(Span<float> destination, ReadOnlySpan<float> x)
    {
        int length = destination.Length;
        if (x.Length < length)
        {
            throw new ArgumentException("the input is shorter than the destination", nameof(x));
        }
        ref float x0 = ref MemoryMarshal.GetReference(x);
        ref float d0 = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + Vector256<float>.Count <= length; i += Vector256<float>.Count)
            {
                ref float target = ref Unsafe.Add(ref d0, i);
                (Vector256.LoadUnsafe(ref target) + Vector256.LoadUnsafe(ref Unsafe.Add(ref x0, i))).StoreUnsafe(ref target);
            }
        }
        for (; i < length; i++)
        {
            Unsafe.Add(ref d0, i) += Unsafe.Add(ref x0, i);
        }
    }
}
