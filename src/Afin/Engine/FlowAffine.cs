namespace Afin.Engine;

/// <summary>The flow's final per-coordinate affine: (a_i, r_i) = head(rich node features), ℓ_i = b·tanh(r_i / b).</summary>
internal sealed class FlowAffine
{
    private readonly Mlp _head;
    private readonly float _bound;
    private readonly int _channels;

    public FlowAffine(WeightSet weights, int channels, int hidden, int layers, double maxLogScale)
    {
        _channels = channels;
        _bound = (float)maxLogScale;
        _head = Mlp.From(weights, "flow_affine.head", 5 * channels, 2, hidden, layers);
    }

    /// <summary>Writes the shift a (d) and the bounded log-scale ℓ (d) from the rich node features (d x 5C).</summary>
    public void Apply(ReadOnlySpan<float> rich, int d, Span<float> shift, Span<float> logScale)
    {
        var arena = ScratchArena<float>.ForThread;
        using var scope = arena.Scope();
        var raw = arena.Rent(2 * d);
        _head.Forward(rich, 5 * _channels, d, raw, 2);
        for (int i = 0; i < d; i++)
        {
            shift[i] = raw[2 * i];
            logScale[i] = Activations.BoundedLogScale(raw[2 * i + 1], _bound);
        }
    }
}
