using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Afin.Numerics;

/// <summary>
/// softplus(x) = max(x, 0) + log(1 + e^-|x|) in double precision, four values at a time: the logit families' log-likelihood
/// evaluates it once per site and draw, and importance weights need hundreds of thousands per problem. Written here rather
/// than taken from <c>TensorPrimitives</c>, whose generic exp and log cost a one-problem process about 50 ms of
/// compilation; this one method compiles in a few.
/// </summary>
/// <remarks>
/// e^-|x| by Cody-Waite reduction (|x| = n ln 2 + r, |r| ≤ ln 2 / 2) and a degree-13 Taylor polynomial, scaled by 2^-n
/// through the exponent bits; log(1 + t) for t in (0, 1] as 2 atanh(s), s = t / (2 + t) ≤ 1/3, by its odd series to s^31.
/// Both truncations are below 1e-16 relative. Non-finite inputs go through the scalar formula, so NaN and infinities keep
/// its meaning.
/// </remarks>
internal static class VectorSoftplus
{
    private const double Ln2High = 0.693147180369123816490;
    private const double Ln2Low = 1.90821492927058770002e-10;
    private const double InverseLn2 = 1.4426950408889634074;

    /// <summary>Past this |x|, e^-|x| is below 1e-307 and adds nothing to max(x, 0); the reduction keeps 2^-n normal.</summary>
    private const double MaxReduced = 708;

    /// <summary>The Taylor coefficients of e^r, 1/13! down to 1/0!, for Horner's rule.</summary>
    private static readonly double[] ExpTaylor =
        [1.0 / 6227020800, 1.0 / 479001600, 1.0 / 39916800, 1.0 / 3628800, 1.0 / 362880, 1.0 / 40320, 1.0 / 5040, 1.0 / 720, 1.0 / 120, 1.0 / 24, 1.0 / 6, 0.5, 1, 1];

    /// <summary>atanh(s) / s as a series in s²: 1/31 down to 1/1, for Horner's rule.</summary>
    private static readonly double[] AtanhSeries = Enumerable.Range(0, 16).Select(k => 1.0 / (31 - 2 * k)).ToArray();

    /// <summary>Writes softplus(<paramref name="x"/>[i]) into <paramref name="result"/>[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Compute(ReadOnlySpan<double> x, Span<double> result)
    {
        if (result.Length < x.Length)
        {
            throw new ArgumentException("the result is shorter than the input", nameof(result));
        }
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref double from = ref MemoryMarshal.GetReference(x);
            ref double to = ref MemoryMarshal.GetReference(result);
            for (; i + Vector256<double>.Count <= x.Length; i += Vector256<double>.Count)
            {
                var v = Vector256.LoadUnsafe(ref Unsafe.Add(ref from, i));
                if (!Vector256.EqualsAll(v - v, Vector256<double>.Zero))
                {
                    // NaN or an infinity in this lane group: the scalar formula's semantics, lane by lane.
                    for (int k = 0; k < Vector256<double>.Count; k++)
                    {
                        result[i + k] = Scalar(x[i + k]);
                    }
                    continue;
                }
                Of(v).StoreUnsafe(ref Unsafe.Add(ref to, i));
            }
        }
        for (; i < x.Length; i++)
        {
            result[i] = Scalar(x[i]);
        }
    }

    /// <summary>The scalar formula the vector path reproduces.</summary>
    internal static double Scalar(double x) => Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Of(Vector256<double> x)
    {
        var magnitude = Vector256.Min(Vector256.Abs(x), Vector256.Create(MaxReduced));
        var t = ExpOfNegative(magnitude);
        return Vector256.Max(x, Vector256<double>.Zero) + Log1P(t);
    }

    /// <summary>e^-m for 0 ≤ m ≤ <see cref="MaxReduced"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> ExpOfNegative(Vector256<double> m)
    {
        var n = Vector256.Round(m * Vector256.Create(InverseLn2));
        var r = n * Vector256.Create(Ln2High) - m + n * Vector256.Create(Ln2Low);
        var p = Horner(ExpTaylor, r);
        // 2^-n from the exponent bits: n ≤ 1022 here, so 1023 - n is a normal exponent.
        var scale = (Vector256.Create(1023L) - Vector256.ConvertToInt64(n)) << 52;
        return p * scale.AsDouble();
    }

    /// <summary>Σ c[k] x^(K-k) by Horner's rule, the highest power first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Horner(double[] coefficients, Vector256<double> x)
    {
        var p = Vector256.Create(coefficients[0]);
        for (int k = 1; k < coefficients.Length; k++)
        {
            p = p * x + Vector256.Create(coefficients[k]);
        }
        return p;
    }

    /// <summary>log(1 + t) for 0 ≤ t ≤ 1 as 2 atanh(t / (2 + t)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Log1P(Vector256<double> t)
    {
        var s = t / (Vector256.Create(2.0) + t);
        var sum = Horner(AtanhSeries, s * s);
        return Vector256.Create(2.0) * s * sum;
    }
}
