using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Afin.Network.Modules;

/// <summary>
/// Family-specific adapters: one MLP(in -> C, AdapterHidden, 2) per (family, node|pair), 18 in all, with only the last
/// bias zeroed. Each family's factors are mapped and scattered (index_add) into zero buffers, then the pair tensors are
/// symmetrised. Returns tokens pair (B,K,d,d,C) and node (B,K,d,C) with the prior at token 0; padded tokens are zero.
/// Sites that share a token (the pooled layout) are summed by the scatter itself.
/// </summary>
internal sealed class FamilyAdapter : nn.Module<FactorBatch, (Tensor Pair, Tensor Node)>
{
    private readonly FamilyNets prior_node_nets;
    private readonly FamilyNets prior_pair_nets;
    private readonly FamilyNets like_node_nets;
    private readonly FamilyNets like_pair_nets;
    private readonly SiteRefiner? site_refine;
    private readonly long _channels;
    private readonly string[] _siteNames;

    /// <summary>
    /// Creates the 18 adapter MLPs and, when <paramref name="siteLayers"/> is positive, the per-site refining layers
    /// (hidden width <paramref name="siteHidden"/>) applied to every likelihood site's outputs before they are scattered.
    /// </summary>
    public FamilyAdapter(long channels, long hiddenDim, int siteLayers = 0, long siteHidden = 1, int featureVersion = 1) : base(nameof(FamilyAdapter))
    {
        _channels = channels;
        // Registered only when used, so files of networks without it keep their exact parameter set.
        site_refine = siteLayers > 0 ? new SiteRefiner(channels, siteHidden, siteLayers) : null;
        prior_node_nets = Make(FactorFamilies.PriorNames, FactorFamilies.PriorNodeDims, channels, hiddenDim);
        prior_pair_nets = Make(FactorFamilies.PriorNames, FactorFamilies.PriorPairDims, channels, hiddenDim);
        _siteNames = FactorFamilies.SiteNames(featureVersion);
        like_node_nets = Make(_siteNames, FactorFamilies.SiteNodeDims(featureVersion), channels, hiddenDim);
        like_pair_nets = Make(_siteNames, FactorFamilies.SitePairDims(featureVersion), channels, hiddenDim);
        RegisterComponents();
    }

    private static FamilyNets Make(string[] names, int[] dims, long channels, long hiddenDim)
    {
        var dict = new FamilyNets();
        for (int f = 0; f < names.Length; f++)
        {
            var mlp = new Mlp(dims[f], channels, hiddenDim, 2);
            mlp.ZeroLastBias();
            dict.Add(names[f], mlp);
        }
        return dict;
    }

    /// <summary>Builds the factor tokens of <paramref name="batch"/>.</summary>
    public override (Tensor Pair, Tensor Node) forward(FactorBatch batch)
    {
        long b = batch.Count, d = batch.Dimension, n = batch.SiteTokens, c = _channels;
        var device = batch.Device;
        var dtype = prior_node_nets[FactorFamilies.PriorNames[0]].Last.weight!.dtype;

        var (priorNode, priorPair) = Encode(batch.PriorInputs, FactorFamilies.PriorNames, prior_node_nets, prior_pair_nets, b, d, dtype, device, null);
        var (siteNode, sitePair) = Encode(batch.SiteInputs, _siteNames, like_node_nets, like_pair_nets, b * n, d, dtype, device, site_refine);

        var node = cat([priorNode.unsqueeze(1), siteNode.view(b, n, d, c)], 1);
        var pair = PairOps.SymPair(cat([priorPair.unsqueeze(1), sitePair.view(b, n, d, d, c)], 1));
        return (pair, node);
    }

    /// <summary>
    /// Runs each family's node and pair MLPs on that family's factors and scatters the results into
    /// shared (count, d, C) and (count, d, d, C) buffers, so families can mix freely within a batch.
    /// </summary>
    private (Tensor Node, Tensor Pair) Encode(FamilyInputs?[] inputsByFamily, string[] names, FamilyNets nodeNets, FamilyNets pairNets,
        long count, long d, ScalarType dtype, Device device, SiteRefiner? refiner)
    {
        var node = zeros([count, d, _channels], dtype: dtype, device: device);
        var pair = zeros([count, d, d, _channels], dtype: dtype, device: device);
        for (int f = 0; f < inputsByFamily.Length; f++)
        {
            if (inputsByFamily[f] is not { } inputs)
            {
                continue;
            }
            var familyNode = nodeNets[names[f]].forward(inputs.Node.to(dtype));
            var familyPair = pairNets[names[f]].forward(inputs.Pair.to(dtype));
            if (refiner is not null)
            {
                (familyPair, familyNode) = refiner.forward(familyPair, familyNode);
            }
            node = node.index_add(0, inputs.Index, familyNode, TorchScalars.One);
            pair = pair.index_add(0, inputs.Index, familyPair, TorchScalars.One);
        }
        return (node, pair);
    }
}
