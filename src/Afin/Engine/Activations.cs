using System.Numerics.Tensors;

namespace Afin.Engine;

/// <summary>Element-wise functions of the network, vectorised, in float32 as torch evaluates them.</summary>
internal static class Activations
{
    private const int Chunk = 256;

    /// <summary>SiLU in place: x·σ(x), σ computed by <see cref="TensorPrimitives.Sigmoid(ReadOnlySpan{float}, Span{float})"/> a chunk at a time.</summary>
    public static void SiLU(Span<float> values)
    {
        Span<float> sigmoid = stackalloc float[Chunk];
        for (int start = 0; start < values.Length; start += Chunk)
        {
            var part = values.Slice(start, Math.Min(Chunk, values.Length - start));
            var s = sigmoid[..part.Length];
            TensorPrimitives.Sigmoid(part, s);
            TensorPrimitives.Multiply(part, s, part);
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
