using System.Numerics.Tensors;

namespace Afin.Engine;

/// <summary>
/// The pre-LayerNorm factor-attention block of the merge: LayerNorm, Q/K/V box maps (symmetrised pair outputs),
/// per-head scores mixing a node score (/d) and a pair score (/d²) with the softmax of <c>score_mix_logits</c>, scaled
/// by 1/√(C/H), softmax over the problem's own tokens, the mixed values through the out map as a symmetrised residual,
/// then LayerNorm and the feed-forward box layer as a second symmetrised residual.
/// </summary>
internal sealed class FactorAttentionBlock
{
    private readonly LayerNorm _pairAttentionNorm;
    private readonly LayerNorm _nodeAttentionNorm;
    private readonly LayerNorm _pairFeedForwardNorm;
    private readonly LayerNorm _nodeFeedForwardNorm;
    private readonly BoxMapGroup _queryKeyValue;
    private readonly BoxMapGroup _out;
    private readonly BoxLayer _feedForward;
    private readonly float _nodeWeight;
    private readonly float _pairWeight;
    private readonly int _heads;
    private readonly int _channels;

    /// <summary>Reads block <paramref name="prefix"/> (e.g. <c>merge.blocks.0</c>).</summary>
    public FactorAttentionBlock(WeightSet weights, string prefix, int channels, int hidden, int layers, int heads)
    {
        _channels = channels;
        _heads = heads;
        var logits = weights.Take($"{prefix}.score_mix_logits", 2);
        // softmax of two logits, in float32 like the torch module.
        float top = Math.Max(logits[0], logits[1]);
        float e0 = MathF.Exp(logits[0] - top), e1 = MathF.Exp(logits[1] - top);
        _nodeWeight = e0 / (e0 + e1);
        _pairWeight = e1 / (e0 + e1);
        _pairAttentionNorm = LayerNorm.From(weights, $"{prefix}.pair_attn_norm", channels);
        _nodeAttentionNorm = LayerNorm.From(weights, $"{prefix}.node_attn_norm", channels);
        _pairFeedForwardNorm = LayerNorm.From(weights, $"{prefix}.pair_ffn_norm", channels);
        _nodeFeedForwardNorm = LayerNorm.From(weights, $"{prefix}.node_ffn_norm", channels);
        (Mlp, Mlp) Map(string name) => BoxMapGroup.ReadMap(weights, $"{prefix}.{name}", "pair_map", "node_map", channels, hidden, layers);
        _queryKeyValue = new BoxMapGroup([Map("q_map"), Map("k_map"), Map("v_map")], channels);
        _out = new BoxMapGroup([Map("out_map")], channels);
        _feedForward = BoxLayer.From(weights, $"{prefix}.ffn", channels, hidden, layers);
    }

    /// <summary>Applies the block to every problem's tokens in place.</summary>
    public void Apply(TokenBatch batch)
    {
        int d = batch.Dimension, c = _channels, tokens = batch.Tokens;
        int pairSize = batch.PairSize, nodeSize = batch.NodeSize;
        int pairAll = tokens * pairSize, nodeAll = tokens * nodeSize;
        var arena = ScratchArena<float>.ForThread;
        using var scope = arena.Scope();
        var normPair = arena.Rent(pairAll);
        var normNode = arena.Rent(nodeAll);
        var mapsPair = arena.Rent(3 * pairAll);
        var mapsNode = arena.Rent(3 * nodeAll);
        _pairAttentionNorm.Apply(batch.Pair, tokens * d * d, normPair);
        _nodeAttentionNorm.Apply(batch.Node, tokens * d, normNode);
        _queryKeyValue.Apply(normPair, normNode, tokens, d, mapsPair, mapsNode);
        for (int t = 0; t < 3 * tokens; t++)
        {
            PairOps.Symmetrise(mapsPair.Slice(t * pairSize, pairSize), d, c);
        }

        // The mixed values overwrite the normalised tokens, which the scores no longer need.
        var mixPair = normPair;
        var mixNode = normNode;
        mixPair.Clear();
        mixNode.Clear();
        for (int b = 0; b < batch.Problems; b++)
        {
            int first = batch.TokenStart[b], count = batch.TokenStart[b + 1] - first;
            Attend(mapsPair, mapsNode, first, count, tokens, d, mixPair, mixNode);
        }

        // Out map into the query buffer (free now), then pair = sym(pair + sym(ΔP)), node += Δn.
        var deltaPair = mapsPair[..pairAll];
        var deltaNode = mapsNode[..nodeAll];
        _out.Apply(mixPair, mixNode, tokens, d, deltaPair, deltaNode);
        AddResidual(batch, deltaPair, deltaNode);

        _pairFeedForwardNorm.Apply(batch.Pair, tokens * d * d, normPair);
        _nodeFeedForwardNorm.Apply(batch.Node, tokens * d, normNode);
        _feedForward.Deltas(normPair, normNode, tokens, d, deltaPair, deltaNode);
        AddResidual(batch, deltaPair, deltaNode);
    }

    private static void AddResidual(TokenBatch batch, ReadOnlySpan<float> deltaPair, ReadOnlySpan<float> deltaNode)
    {
        int pairSize = batch.PairSize;
        for (int t = 0; t < batch.Tokens; t++)
        {
            PairOps.AddSymmetrised(batch.Pair.Slice(t * pairSize, pairSize), deltaPair.Slice(t * pairSize, pairSize), batch.Dimension, batch.Channels, symmetriseResult: true);
        }
        var node = batch.Node[..deltaNode.Length];
        TensorPrimitives.Add(node, deltaNode, node);
    }

    /// <summary>
    /// Attention among one problem's tokens [first, first + count): for each query, the per-head scores against every
    /// key, their softmax, and the values mixed by it into <paramref name="mixPair"/> and <paramref name="mixNode"/>.
    /// </summary>
    private void Attend(ReadOnlySpan<float> mapsPair, ReadOnlySpan<float> mapsNode, int first, int count, int tokens, int d,
        Span<float> mixPair, Span<float> mixNode)
    {
        int c = _channels, heads = _heads, headWidth = c / heads;
        int pairSize = d * d * c, nodeSize = d * c;
        float root = MathF.Sqrt(headWidth);
        var arena = ScratchArena<float>.ForThread;
        using var scope = arena.Scope();
        var nodeDots = arena.Rent(c);
        var pairDots = arena.Rent(c);
        var scores = arena.Rent(heads * count);
        var channelWeights = arena.Rent(c);
        // Q, K and V sit map after map: the keys of token t at tokens + t, the values at 2·tokens + t.
        var keysPair = mapsPair.Slice(tokens * pairSize, tokens * pairSize);
        var keysNode = mapsNode.Slice(tokens * nodeSize, tokens * nodeSize);
        var valuesPair = mapsPair.Slice(2 * tokens * pairSize, tokens * pairSize);
        var valuesNode = mapsNode.Slice(2 * tokens * nodeSize, tokens * nodeSize);
        for (int q = first; q < first + count; q++)
        {
            var queryPair = mapsPair.Slice(q * pairSize, pairSize);
            var queryNode = mapsNode.Slice(q * nodeSize, nodeSize);
            for (int k = 0; k < count; k++)
            {
                ChannelKernels.ChannelDots(queryNode, keysNode.Slice((first + k) * nodeSize, nodeSize), c, nodeDots);
                ChannelKernels.ChannelDots(queryPair, keysPair.Slice((first + k) * pairSize, pairSize), c, pairDots);
                for (int h = 0; h < heads; h++)
                {
                    float nodeScore = TensorPrimitives.Sum(nodeDots.Slice(h * headWidth, headWidth)) / d;
                    float pairScore = TensorPrimitives.Sum(pairDots.Slice(h * headWidth, headWidth)) / (d * d);
                    scores[h * count + k] = (nodeScore * _nodeWeight + pairScore * _pairWeight) / root;
                }
            }
            for (int h = 0; h < heads; h++)
            {
                Activations.Softmax(scores.Slice(h * count, count));
            }
            var outPair = mixPair.Slice(q * pairSize, pairSize);
            var outNode = mixNode.Slice(q * nodeSize, nodeSize);
            for (int k = 0; k < count; k++)
            {
                for (int h = 0; h < heads; h++)
                {
                    channelWeights.Slice(h * headWidth, headWidth).Fill(scores[h * count + k]);
                }
                ChannelKernels.AddChannelScaled(outPair, valuesPair.Slice((first + k) * pairSize, pairSize), channelWeights, c);
                ChannelKernels.AddChannelScaled(outNode, valuesNode.Slice((first + k) * nodeSize, nodeSize), channelWeights, c);
            }
        }
    }
}
