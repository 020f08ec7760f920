using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Afin.Engine;

/// <summary>LayerNorm over the C channels of every entry, eps 1e-5, with learned scale and shift, as torch's <c>nn.LayerNorm(C)</c>.</summary>
internal sealed class LayerNorm
{
    private const float Epsilon = 1e-5f;
    private readonly float[] _weight;
    private readonly float[] _bias;

    private LayerNorm(float[] weight, float[] bias)
    {
        _weight = weight;
        _bias = bias;
    }

    /// <summary>Reads <c>{prefix}.weight</c> and <c>{prefix}.bias</c>.</summary>
    public static LayerNorm From(WeightSet weights, string prefix, int channels) =>
        new(weights.Take(prefix + ".weight", channels), weights.Take(prefix + ".bias", channels));

    /// <summary>Normalises <paramref name="rows"/> rows of C values from <paramref name="input"/> into <paramref name="output"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Apply(ReadOnlySpan<float> input, int rows, Span<float> output)
    {
        int c = _weight.Length;
        if (input.Length < rows * c || output.Length < rows * c)
        {
            throw new ArgumentException("the buffers are shorter than rows·C");
        }
        if (Vector256.IsHardwareAccelerated && c % Vector256<float>.Count == 0)
        {
            ApplyVectorised(input, rows, output);
            return;
        }
        for (int r = 0; r < rows; r++)
        {
            var x = input.Slice(r * c, c);
            var y = output.Slice(r * c, c);
            // Two passes, as torch: the mean, then the (biased) variance about it.
            float mean = 0;
            for (int k = 0; k < c; k++)
            {
                mean += x[k];
            }
            mean /= c;
            float variance = 0;
            for (int k = 0; k < c; k++)
            {
                float centred = x[k] - mean;
                variance += centred * centred;
            }
            float inverse = 1f / MathF.Sqrt(variance / c + Epsilon);
            for (int k = 0; k < c; k++)
            {
                y[k] = (x[k] - mean) * inverse * _weight[k] + _bias[k];
            }
        }
    }

    /// <summary>The same, eight channels at a time, for C a multiple of 8 (every shipped width).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ApplyVectorised(ReadOnlySpan<float> input, int rows, Span<float> output)
    {
        int c = _weight.Length, lanes = Vector256<float>.Count;
        ref float in0 = ref MemoryMarshal.GetReference(input);
        ref float out0 = ref MemoryMarshal.GetReference(output);
        ref float w0 = ref MemoryMarshal.GetArrayDataReference(_weight);
        ref float b0 = ref MemoryMarshal.GetArrayDataReference(_bias);
        for (int r = 0; r < rows; r++)
        {
            ref float x = ref Unsafe.Add(ref in0, r * c);
            ref float y = ref Unsafe.Add(ref out0, r * c);
            var sum = Vector256<float>.Zero;
            for (int k = 0; k < c; k += lanes)
            {
                sum += Vector256.LoadUnsafe(ref Unsafe.Add(ref x, k));
            }
            var mean = Vector256.Create(Vector256.Sum(sum) / c);
            var squares = Vector256<float>.Zero;
            for (int k = 0; k < c; k += lanes)
            {
                var centred = Vector256.LoadUnsafe(ref Unsafe.Add(ref x, k)) - mean;
                squares += centred * centred;
            }
            var inverse = Vector256.Create(1f / MathF.Sqrt(Vector256.Sum(squares) / c + Epsilon));
            for (int k = 0; k < c; k += lanes)
            {
                var centred = Vector256.LoadUnsafe(ref Unsafe.Add(ref x, k)) - mean;
                (centred * inverse * Vector256.LoadUnsafe(ref Unsafe.Add(ref w0, k)) + Vector256.LoadUnsafe(ref Unsafe.Add(ref b0, k)))
                    .StoreUnsafe(ref Unsafe.Add(ref y, k));
            }
        }
    }
}
