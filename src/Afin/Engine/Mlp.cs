namespace Afin.Engine;

/// <summary>
/// MLP(in → out, hidden, L) as the torch module: Linear, SiLU, [Linear, SiLU] x (L - 2), Linear. Rows run through all
/// layers a block at a time, so the hidden activations of a block stay in the L1 cache instead of making a round trip
/// through memory per layer.
/// </summary>
internal sealed class Mlp
{
    /// <summary>Rows per block: 64 rows of a 192-wide hidden layer are 48 KB, two such blocks fit the L2 cache with the weights.</summary>
    internal const int RowBlock = 64;

    private readonly DenseLayer[] _layers;

    private Mlp(DenseLayer[] layers)
    {
        _layers = layers;
    }

    /// <summary>Input width.</summary>
    public int Inputs => _layers[0].Inputs;

    /// <summary>Output width.</summary>
    public int Outputs => _layers[^1].Outputs;

    /// <summary>Width of the first layer's output.</summary>
    public int Hidden => _layers[0].Outputs;

    /// <summary>The first Linear layer (for callers that compute it part by part).</summary>
    public DenseLayer First => _layers[0];

    /// <summary>The last Linear layer (for callers that apply it to averages of the layer before, see <see cref="Penultimate"/>).</summary>
    public DenseLayer Last => _layers[^1];

    /// <summary>Number of Linear layers.</summary>
    public int Depth => _layers.Length;

    /// <summary>Reads the Linear layers <c>{prefix}.mlp.0</c>, <c>.2</c>, <c>.4</c>, ... (the torch module's Sequential indices).</summary>
    public static Mlp From(WeightSet weights, string prefix, int inputs, int outputs, int hidden, int layers)
    {
        if (layers < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(layers), "an MLP needs at least 2 Linear layers");
        }
        var dense = new DenseLayer[layers];
        for (int l = 0; l < layers; l++)
        {
            dense[l] = DenseLayer.From(weights, $"{prefix}.mlp.{2 * l}", l == 0 ? inputs : hidden, l == layers - 1 ? outputs : hidden);
        }
        return new Mlp(dense);
    }

    /// <summary>y = MLP(x) for <paramref name="rows"/> rows; with <paramref name="accumulate"/>, y += MLP(x) (a residual).</summary>
    public void Forward(ReadOnlySpan<float> x, int ldx, int rows, Span<float> y, int ldy, bool accumulate = false)
    {
        var arena = ScratchArena<float>.ForThread;
        using var scope = arena.Scope();
        int block = Math.Min(rows, RowBlock);
        var hidden = arena.Rent(block * Hidden);
        for (int r = 0; r < rows; r += block)
        {
            int n = Math.Min(block, rows - r);
            var h = hidden[..(n * Hidden)];
            _layers[0].Forward(x[(r * ldx)..], ldx, n, h, Hidden);
            Activations.SiLU(h);
            FinishFromHidden(h, Hidden, n, y[(r * ldy)..], ldy, accumulate);
        }
    }

    /// <summary>
    /// The layers after the first, from its activated output <paramref name="hidden"/> (rows of <see cref="Hidden"/>
    /// values, <paramref name="ldh"/> apart), as <see cref="Forward"/> would continue.
    /// </summary>
    public void FinishFromHidden(ReadOnlySpan<float> hidden, int ldh, int rows, Span<float> y, int ldy, bool accumulate = false)
    {
        var arena = ScratchArena<float>.ForThread;
        using var scope = arena.Scope();
        var before = _layers.Length == 2 ? hidden : Penultimate(hidden, ldh, rows, arena.Rent(rows * Last.Inputs));
        Last.Forward(before, _layers.Length == 2 ? ldh : Last.Inputs, rows, y, ldy, accumulate);
    }

    /// <summary>
    /// The activations that feed the last layer, from the activated first-layer output (rows <paramref name="ldh"/> apart):
    /// <paramref name="hidden"/> itself for a two-layer MLP (returned as is, with its stride), else written contiguously to
    /// <paramref name="scratch"/>. The last layer is linear, so the average of its outputs over rows is the last layer
    /// applied to the average of these activations.
    /// </summary>
    public ReadOnlySpan<float> Penultimate(ReadOnlySpan<float> hidden, int ldh, int rows, Span<float> scratch)
    {
        if (_layers.Length == 2)
        {
            return hidden;
        }
        var arena = ScratchArena<float>.ForThread;
        using var scope = arena.Scope();
        int width = _layers[1].Outputs;
        var a = scratch[..(rows * width)];
        var b = arena.Rent(rows * width);
        _layers[1].Forward(hidden, ldh, rows, a, width);
        Activations.SiLU(a);
        for (int l = 2; l < _layers.Length - 1; l++)
        {
            _layers[l].Forward(a, width, rows, b, width);
            Activations.SiLU(b);
            b.CopyTo(a);
        }
        return a;
    }
}
