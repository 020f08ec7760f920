namespace Afin.Engine;

/// <summary>
/// A Linear layer y = x·Wᵀ + b with its weight stored transposed (in x out, row-major), the layout <see cref="Gemm"/>
/// streams: a row of the transposed weight is what one input channel adds to every output.
/// </summary>
internal sealed class DenseLayer
{
    private readonly float[] _weightT;
    private readonly float[] _bias;

    private DenseLayer(int inputs, int outputs, float[] weightT, float[] bias)
    {
        Inputs = inputs;
        Outputs = outputs;
        _weightT = weightT;
        _bias = bias;
    }

    /// <summary>Input width.</summary>
    public int Inputs { get; }

    /// <summary>Output width.</summary>
    public int Outputs { get; }

    /// <summary>The bias (read-only by convention).</summary>
    public ReadOnlySpan<float> Bias => _bias;

    /// <summary>Reads <c>{prefix}.weight</c> (out x in, as torch stores it) and <c>{prefix}.bias</c>.</summary>
    public static DenseLayer From(WeightSet weights, string prefix, int inputs, int outputs)
    {
        var w = weights.Take(prefix + ".weight", outputs, inputs);
        var b = weights.Take(prefix + ".bias", outputs);
        var weightT = new float[inputs * outputs];
        for (int o = 0; o < outputs; o++)
        {
            for (int i = 0; i < inputs; i++)
            {
                weightT[i * outputs + o] = w[o * inputs + i];
            }
        }
        return new DenseLayer(inputs, outputs, weightT, (float[])b.Clone());
    }

    /// <summary>
    /// One layer whose outputs are those of <paramref name="layers"/> side by side (all with the same input): the first
    /// layers of maps that read the same tokens (the attention's Q, K and V) then run as one product.
    /// </summary>
    public static DenseLayer SideBySide(IReadOnlyList<DenseLayer> layers)
    {
        int inputs = layers[0].Inputs, outputs = layers.Sum(l => l.Outputs);
        if (layers.Any(l => l.Inputs != inputs))
        {
            throw new ArgumentException("layers placed side by side need the same input width", nameof(layers));
        }
        var weightT = new float[inputs * outputs];
        var bias = new float[outputs];
        int offset = 0;
        foreach (var layer in layers)
        {
            for (int i = 0; i < inputs; i++)
            {
                layer._weightT.AsSpan(i * layer.Outputs, layer.Outputs).CopyTo(weightT.AsSpan(i * outputs + offset));
            }
            layer._bias.CopyTo(bias.AsSpan(offset));
            offset += layer.Outputs;
        }
        return new DenseLayer(inputs, outputs, weightT, bias);
    }

    /// <summary>y = x·Wᵀ + b for <paramref name="rows"/> rows (strides ldx, ldy); with <paramref name="accumulate"/> y += x·Wᵀ + b.</summary>
    public void Forward(ReadOnlySpan<float> x, int ldx, int rows, Span<float> y, int ldy, bool accumulate = false) =>
        Gemm.Multiply(x, ldx, _weightT, Outputs, _bias, y, ldy, rows, Inputs, Outputs, accumulate);

    /// <summary>
    /// The contribution of input channels [<paramref name="offset"/>, offset + <paramref name="width"/>) alone: y (+)= x·W[:, part]ᵀ,
    /// plus the bias when <paramref name="withBias"/>. Summing the parts of an input gives <see cref="Forward"/> of their
    /// concatenation, which therefore never needs to be built (a part shared by many rows is projected once).
    /// </summary>
    public void ForwardPart(ReadOnlySpan<float> x, int ldx, int rows, int offset, int width, Span<float> y, int ldy, bool accumulate, bool withBias)
    {
        if (offset < 0 || width < 0 || offset + width > Inputs)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"input channels [{offset}, {offset + width}) lie outside the layer's {Inputs}");
        }
        Gemm.Multiply(x, ldx, _weightT.AsSpan(offset * Outputs, width * Outputs), Outputs, withBias ? _bias : default, y, ldy, rows, width, Outputs, accumulate);
    }

    /// <summary>Row <paramref name="input"/> of the transposed weight: what one unit of that input channel adds to each output.</summary>
    public ReadOnlySpan<float> InputRow(int input) => _weightT.AsSpan(input * Outputs, Outputs);
}
