using System.Runtime.CompilerServices;
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
        for (int r = 0; r < rows; r++)
        {
            var x = input.Slice(r * c, c);
            var y = output.Slice(r * c, c);
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
}
