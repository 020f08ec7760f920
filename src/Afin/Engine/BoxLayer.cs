using System.Numerics.Tensors;

namespace Afin.Engine;

/// <summary>
/// The residual box layer P' = P + sym(Δ), n' = n + δ, with (Δ, δ) from the pair and node refining MLPs
/// (<c>pair_refine</c>, <c>node_refine</c>), applied to every token independently.
/// </summary>
internal sealed class BoxLayer
{
    private readonly BoxMapGroup _maps;

    private BoxLayer(Mlp pairRefine, Mlp nodeRefine, int channels)
    {
        NodeRefine = nodeRefine;
        _maps = new BoxMapGroup([(pairRefine, nodeRefine)], channels);
    }

    /// <summary>The node MLP, which the flow's couplings use alone (they discard the pair update).</summary>
    public Mlp NodeRefine { get; }

    /// <summary>Reads <c>{prefix}.pair_refine</c> and <c>{prefix}.node_refine</c>.</summary>
    public static BoxLayer From(WeightSet weights, string prefix, int channels, int hidden, int layers)
    {
        var (pair, node) = BoxMapGroup.ReadMap(weights, prefix, "pair_refine", "node_refine", channels, hidden, layers);
        return new BoxLayer(pair, node, channels);
    }

    /// <summary>The raw deltas (Δ unsymmetrised) of <paramref name="tokens"/> tokens.</summary>
    public void Deltas(ReadOnlySpan<float> pair, ReadOnlySpan<float> node, int tokens, int d, Span<float> pairDelta, Span<float> nodeDelta) =>
        _maps.Apply(pair, node, tokens, d, pairDelta, nodeDelta);

    /// <summary>The residual update of <paramref name="tokens"/> tokens, in place.</summary>
    public void Update(Span<float> pair, Span<float> node, int tokens, int d, int channels)
    {
        var arena = ScratchArena<float>.ForThread;
        using var scope = arena.Scope();
        int pairSize = d * d * channels, nodeSize = d * channels;
        var pairDelta = arena.Rent(tokens * pairSize);
        var nodeDelta = arena.Rent(tokens * nodeSize);
        Deltas(pair, node, tokens, d, pairDelta, nodeDelta);
        for (int t = 0; t < tokens; t++)
        {
            PairOps.AddSymmetrised(pair.Slice(t * pairSize, pairSize), pairDelta.Slice(t * pairSize, pairSize), d, channels, symmetriseResult: false);
        }
        TensorPrimitives.Add(node[..(tokens * nodeSize)], nodeDelta, node[..(tokens * nodeSize)]);
    }
}
