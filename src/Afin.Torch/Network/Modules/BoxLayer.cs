using static TorchSharp.torch;

namespace Afin.Network.Modules;

/// <summary>
/// Residual, coordinate-permutation-equivariant update of (pair, node): P' = P + sym(Δ), n' = n + δ.
/// Both MLPs have zero last layers, so the layer is the identity at initialisation.
/// </summary>
internal sealed class BoxLayer : nn.Module<Tensor, Tensor, (Tensor Pair, Tensor Node)>
{
    private readonly Mlp pair_refine;
    private readonly Mlp node_refine;

    /// <summary>Creates a box layer over <paramref name="channels"/> channels.</summary>
    public BoxLayer(long channels, long hiddenDim, int numLayers) : base(nameof(BoxLayer))
    {
        pair_refine = new Mlp(6 * channels, channels, hiddenDim, numLayers);
        node_refine = new Mlp(6 * channels, channels, hiddenDim, numLayers);
        pair_refine.ZeroLast();
        node_refine.ZeroLast();
        RegisterComponents();
    }

    /// <summary>The pair MLP (exposed for tests).</summary>
    internal Mlp PairRefine => pair_refine;

    /// <summary>The node MLP (exposed for tests).</summary>
    internal Mlp NodeRefine => node_refine;

    /// <summary>Applies the residual update.</summary>
    public override (Tensor Pair, Tensor Node) forward(Tensor pair, Tensor node)
    {
        var (dp, dn) = BoxMaps.Apply(pair_refine, node_refine, pair, node);
        return (pair + PairOps.SymPair(dp), node + dn);
    }

    /// <summary>Returns only the (symmetrised) deltas, without the residual.</summary>
    public (Tensor Pair, Tensor Node) Delta(Tensor pair, Tensor node)
    {
        var (dp, dn) = BoxMaps.Apply(pair_refine, node_refine, pair, node);
        return (PairOps.SymPair(dp), dn);
    }
}
