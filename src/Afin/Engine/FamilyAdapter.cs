using System.Numerics.Tensors;
using Afin.Modelling;
using Afin.Network;

namespace Afin.Engine;

/// <summary>
/// The family adapters: one two-layer MLP per (family, node | pair) turns each factor's hand-made features
/// (<see cref="FactorFeatures"/>) into its token, prior first. Faithful: one token per site, in block order. Pooled:
/// the sites of a likelihood family are summed into one token per family the problem has, in order of first
/// appearance (the merge is invariant to token order). Pair tokens are symmetrised at the end, as the torch adapter does
/// after its scatter.
/// </summary>
/// <remarks>
/// Pooled sites are never stored. Without site refiners the sum over sites is taken of the hidden activations, and the
/// (linear) second layer is applied once to that sum: Σ_s (W h_s + b) = W (Σ_s h_s) + S·b, which removes the adapter's
/// larger product from the per-site work. With refiners (nonlinear after the adapter) each chunk of sites runs the whole
/// path and is then added to its token.
/// </remarks>
internal sealed class FamilyAdapter
{
    /// <summary>Pair rows per chunk of sites: about 256 rows keeps a chunk's features and activations in the L1/L2 caches.</summary>
    private const int ChunkRows = 256;

    private readonly Mlp[] _priorNode;
    private readonly Mlp[] _priorPair;
    private readonly Mlp[] _siteNode;
    private readonly Mlp[] _sitePair;
    private readonly SiteRefiner? _refiner;
    private readonly int _channels;
    private readonly int _featureVersion;
    private readonly bool _pooled;
    private readonly int[] _siteNodeDims;
    private readonly int[] _sitePairDims;

    public FamilyAdapter(WeightSet weights, AfinNetworkOptions options)
    {
        _channels = options.FeatureWidth;
        _featureVersion = options.FeatureVersion;
        _pooled = options.Architecture == AfinArchitecture.Pooled;
        int c = _channels, hidden = options.AdapterHidden;
        Mlp[] Read(string group, string[] names, int[] dims) =>
            names.Select((name, f) => Mlp.From(weights, $"adapter.{group}.{name}", dims[f], c, hidden, 2)).ToArray();
        _priorNode = Read("prior_node_nets", FactorFamilies.PriorNames, FactorFamilies.PriorNodeDims);
        _priorPair = Read("prior_pair_nets", FactorFamilies.PriorNames, FactorFamilies.PriorPairDims);
        var siteNames = FactorFamilies.SiteNames(_featureVersion);
        _siteNodeDims = FactorFamilies.SiteNodeDims(_featureVersion);
        _sitePairDims = FactorFamilies.SitePairDims(_featureVersion);
        _siteNode = Read("like_node_nets", siteNames, _siteNodeDims);
        _sitePair = Read("like_pair_nets", siteNames, _sitePairDims);
        _refiner = options.SiteLayers > 0 ? new SiteRefiner(weights, "adapter.site_refine", c, options.BoxHidden, options.SiteLayers) : null;
    }

    /// <summary>
    /// The number of tokens of <paramref name="problem"/>: 1 + N (Faithful) or 1 + its likelihood families with sites (Pooled).
    /// </summary>
    /// <exception cref="NotSupportedException">A family has no adapter in this feature version (the torch batch's message).</exception>
    public int Tokens(BayesianProblem problem)
    {
        FactorFamilies.PriorId(problem.Prior);
        int families = 0;
        Span<bool> seen = stackalloc bool[_siteNodeDims.Length];
        var blocks = problem.Blocks;
        for (int b = 0; b < blocks.Count; b++)
        {
            var block = blocks[b];
            if (block.Count > 0)
            {
                int f = FactorFamilies.SupportedSiteId(block, _featureVersion);
                families += seen[f] ? 0 : 1;
                seen[f] = true;
            }
        }
        return 1 + (_pooled ? families : problem.ObservationCount);
    }

    /// <summary>Writes the tokens of <paramref name="problem"/> (<see cref="Tokens"/> of them) into <paramref name="pair"/> and <paramref name="node"/>.</summary>
    public void Encode(BayesianProblem problem, Span<float> pair, Span<float> node)
    {
        int d = problem.Dimension, c = _channels, pairSize = d * d * c, nodeSize = d * c;
        int tokens = pair.Length / pairSize;
        pair.Clear();
        node.Clear();
        EncodePrior(problem.Prior, d, pair[..pairSize], node[..nodeSize]);
        if (_pooled)
        {
            EncodePooledSites(problem, pair, node);
        }
        else
        {
            int token = 1;
            var blocks = problem.Blocks;
            for (int b = 0; b < blocks.Count; b++)
            {
                var block = blocks[b];
                if (block.Count == 0)
                {
                    continue;
                }
                int f = FactorFamilies.SupportedSiteId(block, _featureVersion);
                int chunk = SitesPerChunk(d);
                for (int n0 = 0; n0 < block.Count; n0 += chunk)
                {
                    int count = Math.Min(chunk, block.Count - n0);
                    EncodeSites(block, f, n0, count, d, pair.Slice((token + n0) * pairSize, count * pairSize), node.Slice((token + n0) * nodeSize, count * nodeSize));
                }
                token += block.Count;
            }
        }
        for (int t = 0; t < tokens; t++)
        {
            PairOps.Symmetrise(pair.Slice(t * pairSize, pairSize), d, c);
        }
    }

    private static int SitesPerChunk(int d) => Math.Max(1, ChunkRows / (d * d));

    private void EncodePrior(Prior prior, int d, Span<float> pair, Span<float> node)
    {
        int f = FactorFamilies.PriorId(prior);
        int fn = FactorFamilies.PriorNodeDims[f], fp = FactorFamilies.PriorPairDims[f];
        var arena = ScratchArena<float>.ForThread;
        using var scope = arena.Scope();
        var nodeFeatures = arena.Rent(d * fn);
        var pairFeatures = arena.Rent(d * d * fp);
        FactorFeatures.Prior(prior, d, nodeFeatures, pairFeatures);
        _priorNode[f].Forward(nodeFeatures, fn, d, node, _channels);
        _priorPair[f].Forward(pairFeatures, fp, d * d, pair, _channels);
    }

    /// <summary>Sites [n0, n0 + count) of a block through its family's adapter (and the refiner), into one token per site.</summary>
    private void EncodeSites(ObservationBlock block, int f, int n0, int count, int d, Span<float> pair, Span<float> node)
    {
        var pairNet = _sitePair[f];
        var nodeNet = _siteNode[f];
        var arena = ScratchArena<float>.ForThread;
        using var scope = arena.Scope();
        var pairHidden = arena.Rent(count * d * d * pairNet.Hidden);
        var nodeHidden = arena.Rent(count * d * nodeNet.Hidden);
        SitePreActivations(block, f, n0, count, d, pairHidden, nodeHidden);
        Activations.SiLU(pairHidden);
        Activations.SiLU(nodeHidden);
        pairNet.FinishFromHidden(pairHidden, pairNet.Hidden, count * d * d, pair, _channels);
        nodeNet.FinishFromHidden(nodeHidden, nodeNet.Hidden, count * d, node, _channels);
        _refiner?.Apply(pair, count * d * d, node, count * d);
    }

    /// <summary>
    /// The first-layer pre-activations of sites [n0, n0 + count): pair (count·d² x hidden) and node (count·d x hidden).
    /// A linear site's layer is assembled from the parts of its features (per site, per coordinate, per pair); a direct
    /// Gaussian site's features are written out and multiplied.
    /// </summary>
    private void SitePreActivations(ObservationBlock block, int f, int n0, int count, int d, Span<float> pairPre, Span<float> nodePre)
    {
        var pairFirst = _sitePair[f].First;
        var nodeFirst = _siteNode[f].First;
        int hp = pairFirst.Outputs, hn = nodeFirst.Outputs;
        if (block is LinearBlock)
        {
            for (int s = 0; s < count; s++)
            {
                LinearSiteFirstLayers(block, n0 + s, d, pairFirst, nodeFirst, pairPre.Slice(s * d * d * hp, d * d * hp), nodePre.Slice(s * d * hn, d * hn), addSiLU: false);
            }
            return;
        }
        var (fn, fp) = SiteWidths(f);
        var arena = ScratchArena<float>.ForThread;
        using var scope = arena.Scope();
        var nodeFeatures = arena.Rent(count * d * fn);
        var pairFeatures = arena.Rent(count * d * d * fp);
        for (int s = 0; s < count; s++)
        {
            FactorFeatures.Site(block, n0 + s, d, nodeFeatures.Slice(s * d * fn, d * fn), pairFeatures.Slice(s * d * d * fp, d * d * fp), _featureVersion);
        }
        nodeFirst.Forward(nodeFeatures, fn, count * d, nodePre, hn);
        pairFirst.Forward(pairFeatures, fp, count * d * d, pairPre, hp);
    }

    /// <summary>
    /// One linear site's first layers from the parts of its features (<see cref="FactorFeatures.LinearSiteParts"/>): with W
    /// the layer's rows per input feature, pre_ij = b + W·head + symlog(x_i)·W[x_i] + symlog(m·x_i)·W[m·x_i] + (the same for j)
    /// + symlog(x_i·x_j)·W[x_i·x_j] + δ_ij·symlog(1)·W[δ]. The head and per-coordinate terms are projected once per site and
    /// coordinate instead of once per pair entry, and the d² feature rows are never written. The pre-activations go to
    /// <paramref name="pairOut"/> and <paramref name="nodeOut"/>, or with <paramref name="addSiLU"/> their SiLU is added there.
    /// </summary>
    private void LinearSiteFirstLayers(ObservationBlock block, int n, int d, DenseLayer pairFirst, DenseLayer nodeFirst, Span<float> pairOut, Span<float> nodeOut, bool addSiLU)
    {
        int hp = pairFirst.Outputs, hn = nodeFirst.Outputs;
        var arena = ScratchArena<float>.ForThread;
        using var scope = arena.Scope();
        Span<float> headBuffer = stackalloc float[FactorFeatures.MaxLinearPrefix];
        var sx = arena.Rent(d);
        var smx = arena.Rent(d);
        int prefix = FactorFeatures.LinearSiteParts(block, n, d, _featureVersion, headBuffer, sx, smx);
        var head = headBuffer[..prefix];

        var nodeSite = arena.Rent(hn);
        SiteTerm(nodeFirst, head, nodeSite);
        var nodePre = addSiLU ? arena.Rent(d * hn) : nodeOut;
        for (int i = 0; i < d; i++)
        {
            var row = nodePre.Slice(i * hn, hn);
            VectorMath.AddScaled(nodeSite, nodeFirst.InputRow(prefix + FactorFeatures.NodeX), sx[i], row);
            VectorMath.AddScaled(row, nodeFirst.InputRow(prefix + FactorFeatures.NodeSignedX), smx[i], row);
        }
        if (addSiLU)
        {
            Activations.AddSiLU(nodePre, nodeOut);
        }

        var pairSite = arena.Rent(hp);
        SiteTerm(pairFirst, head, pairSite);
        var byI = arena.Rent(d * hp);
        var byJ = arena.Rent(d * hp);
        var zero = arena.RentZeroed(hp);
        for (int i = 0; i < d; i++)
        {
            var rowI = byI.Slice(i * hp, hp);
            VectorMath.AddScaled(pairSite, pairFirst.InputRow(prefix + FactorFeatures.PairXi), sx[i], rowI);
            VectorMath.AddScaled(rowI, pairFirst.InputRow(prefix + FactorFeatures.PairSignedXi), smx[i], rowI);
            var rowJ = byJ.Slice(i * hp, hp);
            VectorMath.AddScaled(zero, pairFirst.InputRow(prefix + FactorFeatures.PairXj), sx[i], rowJ);
            VectorMath.AddScaled(rowJ, pairFirst.InputRow(prefix + FactorFeatures.PairSignedXj), smx[i], rowJ);
        }
        var x = ((LinearBlock)block).Row(n);
        var products = arena.Rent(d * d);
        for (int i = 0; i < d; i++)
        {
            for (int j = i; j < d; j++)
            {
                // x_i·x_j and x_j·x_i are the same double, so each product feature is computed once.
                products[i * d + j] = products[j * d + i] = FactorFeatures.ProductFeature(x[i], x[j]);
            }
        }
        var diagonal = arena.Rent(hp);
        TensorPrimitives.Multiply(pairFirst.InputRow(prefix + FactorFeatures.PairIdentity), FactorFeatures.IdentityFeature, diagonal);
        ChannelKernels.PairFromParts(byI, byJ, products, pairFirst.InputRow(prefix + FactorFeatures.PairProduct), diagonal, d, hp, pairOut, addSiLU);
    }

    /// <summary>b + W·head: the part of a first layer that is the same for every entry of a site.</summary>
    private static void SiteTerm(DenseLayer first, ReadOnlySpan<float> head, Span<float> term)
    {
        first.Bias.CopyTo(term);
        for (int p = 0; p < head.Length; p++)
        {
            VectorMath.AddScaled(term, first.InputRow(p), head[p], term);
        }
    }

    private (int Node, int Pair) SiteWidths(int f) => (_siteNodeDims[f], _sitePairDims[f]);

    /// <summary>The pooled layout: one token per likelihood family, after the prior, in order of first appearance.</summary>
    private void EncodePooledSites(BayesianProblem problem, Span<float> pair, Span<float> node)
    {
        int d = problem.Dimension, pairSize = d * d * _channels, nodeSize = d * _channels;
        Span<int> tokenOf = stackalloc int[_siteNodeDims.Length];
        tokenOf.Fill(-1);
        int next = 1;
        var blocks = problem.Blocks;
        for (int b = 0; b < blocks.Count; b++)
        {
            if (blocks[b].Count == 0)
            {
                continue;
            }
            int f = FactorFamilies.SupportedSiteId(blocks[b], _featureVersion);
            if (tokenOf[f] >= 0)
            {
                continue;
            }
            tokenOf[f] = next;
            var tokenPair = pair.Slice(next * pairSize, pairSize);
            var tokenNode = node.Slice(next * nodeSize, nodeSize);
            if (_refiner is null)
            {
                SumFamilyThroughHidden(blocks, b, f, d, tokenPair, tokenNode);
            }
            else
            {
                SumFamilyRefined(blocks, b, f, d, tokenPair, tokenNode);
            }
            next++;
        }
    }

    /// <summary>Σ over the family's sites of the adapter output, as W₂·(Σ SiLU(W₁ f + b₁)) + S·b₂.</summary>
    private void SumFamilyThroughHidden(IReadOnlyList<ObservationBlock> blocks, int firstBlock, int f, int d, Span<float> tokenPair, Span<float> tokenNode)
    {
        var pairNet = _sitePair[f];
        var nodeNet = _siteNode[f];
        int hp = pairNet.Hidden, hn = nodeNet.Hidden, entries = d * d, chunk = SitesPerChunk(d);
        var arena = ScratchArena<float>.ForThread;
        using var scope = arena.Scope();
        var pairSum = arena.RentZeroed(entries * hp);
        var nodeSum = arena.RentZeroed(d * hn);
        var pairPre = arena.Rent(chunk * entries * hp);
        var nodePre = arena.Rent(chunk * d * hn);
        int sites = 0;
        for (int b = firstBlock; b < blocks.Count; b++)
        {
            var block = blocks[b];
            if (block.Count == 0 || FactorFamilies.SiteId(block) != f)
            {
                continue;
            }
            sites += block.Count;
            if (block is LinearBlock)
            {
                // Straight into the sums: a linear site's activations are never stored.
                for (int n = 0; n < block.Count; n++)
                {
                    LinearSiteFirstLayers(block, n, d, pairNet.First, nodeNet.First, pairSum, nodeSum, addSiLU: true);
                }
                continue;
            }
            for (int n0 = 0; n0 < block.Count; n0 += chunk)
            {
                int count = Math.Min(chunk, block.Count - n0);
                SitePreActivations(block, f, n0, count, d, pairPre, nodePre);
                for (int s = 0; s < count; s++)
                {
                    Activations.AddSiLU(pairPre.Slice(s * entries * hp, entries * hp), pairSum);
                    Activations.AddSiLU(nodePre.Slice(s * d * hn, d * hn), nodeSum);
                }
            }
        }
        FinishSum(pairNet.Last, pairSum, entries, sites, tokenPair);
        FinishSum(nodeNet.Last, nodeSum, d, sites, tokenNode);
    }

    /// <summary>token = Σ_s (W h_s + b) = W·hiddenSum + sites·b.</summary>
    private void FinishSum(DenseLayer last, ReadOnlySpan<float> hiddenSum, int rows, int sites, Span<float> token)
    {
        last.ForwardPart(hiddenSum, last.Inputs, rows, 0, last.Inputs, token, _channels, accumulate: false, withBias: false);
        var arena = ScratchArena<float>.ForThread;
        using var scope = arena.Scope();
        var bias = arena.Rent(_channels);
        TensorPrimitives.Multiply(last.Bias, sites, bias);
        for (int r = 0; r < rows; r++)
        {
            var row = token.Slice(r * _channels, _channels);
            TensorPrimitives.Add(row, bias, row);
        }
    }

    /// <summary>Σ over the family's sites of the refined adapter output, a chunk of sites at a time.</summary>
    private void SumFamilyRefined(IReadOnlyList<ObservationBlock> blocks, int firstBlock, int f, int d, Span<float> tokenPair, Span<float> tokenNode)
    {
        int pairSize = d * d * _channels, nodeSize = d * _channels, chunk = SitesPerChunk(d);
        var arena = ScratchArena<float>.ForThread;
        using var scope = arena.Scope();
        var pair = arena.Rent(chunk * pairSize);
        var node = arena.Rent(chunk * nodeSize);
        for (int b = firstBlock; b < blocks.Count; b++)
        {
            var block = blocks[b];
            if (block.Count == 0 || FactorFamilies.SiteId(block) != f)
            {
                continue;
            }
            for (int n0 = 0; n0 < block.Count; n0 += chunk)
            {
                int count = Math.Min(chunk, block.Count - n0);
                EncodeSites(block, f, n0, count, d, pair[..(count * pairSize)], node[..(count * nodeSize)]);
                for (int s = 0; s < count; s++)
                {
                    TensorPrimitives.Add(tokenPair, pair.Slice(s * pairSize, pairSize), tokenPair);
                    TensorPrimitives.Add(tokenNode, node.Slice(s * nodeSize, nodeSize), tokenNode);
                }
            }
        }
    }
}
