using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Afin.Engine;

/// <summary>Element-wise functions of the network, vectorised, in float32 as torch evaluates them.</summary>
internal static class Activations
{
    /// <summary>
    /// SiLU in place: x / (1 + e^-x), eight lanes at a time with <see cref="VectorMath.Exp"/> (about 1 ulp): every hidden
    /// activation of the network passes through here (two million per pass at d = 16, N = 256), and the library's sigmoid
    /// took twice as long.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SiLU(Span<float> values)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float start = ref MemoryMarshal.GetReference(values);
            for (; i + Vector256<float>.Count <= values.Length; i += Vector256<float>.Count)
            {
                ref float at = ref Unsafe.Add(ref start, i);
                var x = Vector256.LoadUnsafe(ref at);
                (VectorMath.SiLU(x)).StoreUnsafe(ref at);
            }
        }
        for (; i < values.Length; i++)
        {
            values[i] /= 1f + MathF.Exp(-values[i]);
        }
    }

    /// <summary>h ← SiLU(h + a + b), element by element: a first layer's product plus its per-i and per-j parts, activated in one pass.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddTwoThenSiLU(Span<float> h, ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length < h.Length || b.Length < h.Length)
        {
            throw new ArgumentException("the parts are shorter than the row");
        }
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float h0 = ref MemoryMarshal.GetReference(h);
            ref float a0 = ref MemoryMarshal.GetReference(a);
            ref float b0 = ref MemoryMarshal.GetReference(b);
            for (; i + Vector256<float>.Count <= h.Length; i += Vector256<float>.Count)
            {
                ref float at = ref Unsafe.Add(ref h0, i);
                var x = Vector256.LoadUnsafe(ref at) + Vector256.LoadUnsafe(ref Unsafe.Add(ref a0, i)) + Vector256.LoadUnsafe(ref Unsafe.Add(ref b0, i));
                VectorMath.SiLU(x).StoreUnsafe(ref at);
            }
        }
        for (; i < h.Length; i++)
        {
            float x = h[i] + a[i] + b[i];
            h[i] = x / (1f + MathF.Exp(-x));
        }
    }

    /// <summary>sum += SiLU(pre), element by element: the pooled adapter's sum over sites, without storing the activations.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddSiLU(ReadOnlySpan<float> pre, Span<float> sum)
    {
        if (sum.Length < pre.Length)
        {
            throw new ArgumentException("the sum is shorter than the pre-activations", nameof(sum));
        }
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float from = ref MemoryMarshal.GetReference(pre);
            ref float to = ref MemoryMarshal.GetReference(sum);
            for (; i + Vector256<float>.Count <= pre.Length; i += Vector256<float>.Count)
            {
                var x = Vector256.LoadUnsafe(ref Unsafe.Add(ref from, i));
                ref float target = ref Unsafe.Add(ref to, i);
                (Vector256.LoadUnsafe(ref target) + VectorMath.SiLU(x)).StoreUnsafe(ref target);
            }
        }
        for (; i < pre.Length; i++)
        {
            sum[i] += pre[i] / (1f + MathF.Exp(-pre[i]));
        }
    }

    /// <summary>
    /// softmax in place, exp(x - max) / Σ exp(x - max) as torch computes it: the library's SoftMax exponentiates the raw
    /// scores, which overflows for scores beyond 88.
    /// </summary>
    public static void Softmax(Span<float> values)
    {
        float max = float.NegativeInfinity;
        foreach (float v in values)
        {
            max = Math.Max(max, v);
        }
        float sum = 0;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = MathF.Exp(values[i] - max);
            sum += values[i];
        }
        for (int i = 0; i < values.Length; i++)
        {
            values[i] /= sum;
        }
    }

    /// <summary>SiLU of a strided block: <paramref name="rows"/> rows of <paramref name="width"/> values, <paramref name="stride"/> apart.</summary>
    public static void SiLU(Span<float> values, int rows, int width, int stride)
    {
        if (width == stride)
        {
            SiLU(values[..(rows * width)]);
            return;
        }
        for (int r = 0; r < rows; r++)
        {
            SiLU(values.Slice(r * stride, width));
        }
    }

    /// <summary>sign(x)·log(1 + |x|) in float32, as <c>x.sign() * x.abs().log1p()</c> evaluates it.</summary>
    public static float Symlog(float x) => x == 0 ? 0f : (float)Math.CopySign(LogOnePlus(Math.Abs((double)x)), x);

    /// <summary>log(1 + x) for x ≥ 0, accurate also where 1 + x rounds (the library's LogP1 is log(x + 1) as written).</summary>
    private static double LogOnePlus(double x) => x < 1e-4 ? x * (1 - x * (0.5 - x / 3)) : Math.Log(1 + x);

    /// <summary>b·tanh(r / b), the bound of every flow log-scale, in float32.</summary>
    public static float BoundedLogScale(float raw, float bound) => MathF.Tanh(raw / bound) * bound;

    /// <summary>softplus(x) = max(x, 0) + log(1 + e^-|x|), in double as the Gaussian decoder assembles its precision.</summary>
    public static double Softplus(double x) => Math.Max(x, 0) + LogOnePlus(Math.Exp(-Math.Abs(x)));
}
