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
                (x / (Vector256<float>.One + VectorMath.Exp(-x))).StoreUnsafe(ref at);
            }
        }
        for (; i < values.Length; i++)
        {
            values[i] /= 1f + MathF.Exp(-values[i]);
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
                (Vector256.LoadUnsafe(ref target) + x / (Vector256<float>.One + VectorMath.Exp(-x))).StoreUnsafe(ref target);
            }
        }
        for (; i < pre.Length; i++)
        {
            sum[i] += pre[i] / (1f + MathF.Exp(-pre[i]));
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
