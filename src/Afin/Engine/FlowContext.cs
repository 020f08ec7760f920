namespace Afin.Engine;

/// <summary>
/// The flow's conditioning: node_ctx = node_proj([n_i, ½(row_i + col_i), diag_i]) (d x Cc) and
/// pair_ctx = sym(pair_proj(P_ij)) (d x d x Cc), from the pooled features.
/// </summary>
internal sealed class FlowContext
{
    private readonly Mlp _node;
    private readonly Mlp _pair;
    private readonly int _channels;

    public FlowContext(WeightSet weights, int channels, int contextChannels, int hidden, int layers)
    {
        _channels = channels;
        _node = Mlp.From(weights, "flow_context_proj.node_proj", 3 * channels, contextChannels, hidden, layers);
        _pair = Mlp.From(weights, "flow_context_proj.pair_proj", channels, contextChannels, hidden, layers);
    }

    /// <summary>
    /// Writes the node and pair contexts. <paramref name="rich"/> holds the rich node features (d x 5C), whose first 3C
    /// channels are exactly this projection's input.
    /// </summary>
    public void Apply(ReadOnlySpan<float> pair, ReadOnlySpan<float> rich, int d, Span<float> nodeContext, Span<float> pairContext)
    {
        int cc = _node.Outputs;
        _node.Forward(rich, 5 * _channels, d, nodeContext, cc);
        _pair.Forward(pair, _channels, d * d, pairContext, cc);
        PairOps.Symmetrise(pairContext, d, cc);
    }
}
