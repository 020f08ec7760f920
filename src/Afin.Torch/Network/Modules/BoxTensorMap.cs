using static TorchSharp.torch;

namespace Afin.Network.Modules;

/// <summary>
/// A box-style map used for Q, K, V and the attention output: same inputs as <see cref="BoxLayer"/>, no residual;
/// returns (sym(pair_map(·)), node_map(·)). Last layers are zeroed only when <c>zeroInit</c> is set.
/// </summary>
internal sealed class BoxTensorMap : nn.Module<Tensor, Tensor, (Tensor Pair, Tensor Node)>
{
    private readonly Mlp pair_map;
    private readonly Mlp node_map;

    /// <summary>Creates the map.</summary>
    public BoxTensorMap(long channels, long hiddenDim, int numLayers, bool zeroInit) : base(nameof(BoxTensorMap))
    {
        pair_map = new Mlp(6 * channels, channels, hiddenDim, numLayers);
        node_map = new Mlp(6 * channels, channels, hiddenDim, numLayers);
        if (zeroInit)
        {
            pair_map.ZeroLast();
            node_map.ZeroLast();
        }
        RegisterComponents();
    }

    /// <summary>Applies the map.</summary>
    public override (Tensor Pair, Tensor Node) forward(Tensor pair, Tensor node)
    {
        var (p, n) = BoxMaps.Apply(pair_map, node_map, pair, node);
        return (PairOps.SymPair(p), n);
    }

    /// <summary>
    /// Applies several maps to the same input, sharing the summaries and the first-layer kernels (see
    /// <see cref="BoxMaps.ApplyShared"/>); equal to calling each map's <see cref="forward"/> up to float rounding.
    /// </summary>
    public static (Tensor Pair, Tensor Node)[] ApplyShared(IReadOnlyList<BoxTensorMap> maps, Tensor pair, Tensor node) =>
        BoxMaps.ApplyShared(maps.Select(m => (m.pair_map, m.node_map)).ToArray(), pair, node)
            .Select(r => (PairOps.SymPair(r.Pair), r.Node)).ToArray();
}
