using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Afin.Network.Modules;

/// <summary>
/// Pre-LayerNorm transformer block over the factor axis K. Q/K/V/out are <see cref="BoxTensorMap"/>s; the heads split
/// the C channels; scores mix a node score (/d) and a pair score (/d²) with learned softmax weights, scaled by
/// 1/√head_dim. Padded factors (mask false) are excluded as keys. The out map and the FFN box layer start at zero,
/// so the block is the identity at initialisation.
/// </summary>
internal sealed class FactorAttentionBlock : nn.Module<Tensor, Tensor, Tensor, (Tensor Pair, Tensor Node)>
{
    private readonly Parameter score_mix_logits;
    private readonly LayerNorm pair_attn_norm;
    private readonly LayerNorm node_attn_norm;
    private readonly LayerNorm pair_ffn_norm;
    private readonly LayerNorm node_ffn_norm;
    private readonly BoxTensorMap q_map;
    private readonly BoxTensorMap k_map;
    private readonly BoxTensorMap v_map;
    private readonly BoxTensorMap out_map;
    private readonly BoxLayer ffn;
    private readonly int _heads;

    /// <summary>Creates a block over <paramref name="channels"/> channels with <paramref name="heads"/> heads.</summary>
    public FactorAttentionBlock(long channels, long modelDim, int boxLayers, int heads) : base(nameof(FactorAttentionBlock))
    {
        if (channels % heads != 0)
        {
            throw new ArgumentException("heads must divide the channel count", nameof(heads));
        }
        _heads = heads;
        int nl = Math.Max(2, boxLayers);
        score_mix_logits = new Parameter(zeros(2));
        pair_attn_norm = nn.LayerNorm(channels, 1e-5);
        node_attn_norm = nn.LayerNorm(channels, 1e-5);
        pair_ffn_norm = nn.LayerNorm(channels, 1e-5);
        node_ffn_norm = nn.LayerNorm(channels, 1e-5);
        q_map = new BoxTensorMap(channels, modelDim, nl, zeroInit: false);
        k_map = new BoxTensorMap(channels, modelDim, nl, zeroInit: false);
        v_map = new BoxTensorMap(channels, modelDim, nl, zeroInit: false);
        out_map = new BoxTensorMap(channels, modelDim, nl, zeroInit: true);
        ffn = new BoxLayer(channels, modelDim, nl);
        RegisterComponents();
    }

    /// <summary>Number of attention heads.</summary>
    public int Heads => _heads;

    /// <summary>Applies the block to pair (B,K,d,d,C) and node (B,K,d,C) tokens; <paramref name="mask"/> is (B,K) bool.</summary>
    public override (Tensor Pair, Tensor Node) forward(Tensor pair, Tensor node, Tensor mask)
    {
        long b = pair.shape[0], k = pair.shape[1], d = pair.shape[2], c = pair.shape[4];
        long hd = c / _heads;

        var pn = pair_attn_norm.forward(pair);
        var nn_ = node_attn_norm.forward(node);
        var qkv = BoxTensorMap.ApplyShared([q_map, k_map, v_map], pn, nn_);
        var (qP, qN) = qkv[0];
        var (kP, kN) = qkv[1];
        var (vP, vN) = qkv[2];

        var qNh = SplitNode(qN, b, k, d, hd);   // (B,H,K,d*hd)
        var kNh = SplitNode(kN, b, k, d, hd);
        var qPh = SplitPair(qP, b, k, d, hd);   // (B,H,K,d*d*hd)
        var kPh = SplitPair(kP, b, k, d, hd);
        var nodeScore = matmul(qNh, kNh.transpose(-1, -2)).div_(TorchScalars.Of(d));
        var pairScore = matmul(qPh, kPh.transpose(-1, -2)).div_(TorchScalars.Of(d * d));
        var w = score_mix_logits.softmax(0);
        var scores = (nodeScore * w[0] + pairScore * w[1]).div_(TorchScalars.Of(Math.Sqrt(hd)));
        var keyMask = mask.logical_not().view(b, 1, 1, k);
        scores = scores.masked_fill(keyMask, TorchScalars.Of(double.NegativeInfinity));
        var attn = scores.softmax(-1);          // (B,H,K,K); every row has token 0 (the prior), so no NaN

        var nodeMix = matmul(attn, SplitNode(vN, b, k, d, hd))
            .view(b, _heads, k, d, hd).permute(0, 2, 3, 1, 4).reshape(b, k, d, c);
        var pairMix = matmul(attn, SplitPair(vP, b, k, d, hd))
            .view(b, _heads, k, d, d, hd).permute(0, 2, 3, 4, 1, 5).reshape(b, k, d, d, c);

        var (dP, dN) = out_map.forward(pairMix, nodeMix);
        pair = PairOps.SymPair(pair + dP);
        node = node + dN;

        var pf = pair_ffn_norm.forward(pair);
        var nf = node_ffn_norm.forward(node);
        var (fP, fN) = ffn.Delta(pf, nf);
        pair = PairOps.SymPair(pair + fP);
        node = node + fN;
        return (pair, node);
    }

    private Tensor SplitNode(Tensor node, long b, long k, long d, long hd) =>
        node.view(b, k, d, _heads, hd).permute(0, 3, 1, 2, 4).reshape(b, _heads, k, d * hd);

    private Tensor SplitPair(Tensor pair, long b, long k, long d, long hd) =>
        pair.view(b, k, d, d, _heads, hd).permute(0, 4, 1, 2, 3, 5).reshape(b, _heads, k, d * d * hd);
}
