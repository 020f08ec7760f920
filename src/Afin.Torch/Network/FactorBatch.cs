using Afin.Modelling;
using TorchSharp;
using static TorchSharp.torch;

namespace Afin.Network;

/// <summary>
/// The featurised factors of a batch of problems that share the dimension d, laid out as tokens. The number of sites N
/// may differ: problems are padded to the same number of tokens K, and a (B, K) factor mask excludes the padded tokens
/// from the attention keys and from the sum pooling. Token 0 of every problem is its prior; the site tokens are one
/// per site (<see cref="AfinArchitecture.Faithful"/>) or one per likelihood family (<see cref="AfinArchitecture.Pooled"/>). Tensors live on the device given
/// to <c>Create</c> in float32 and are owned by the batch: dispose it when done.
/// </summary>
public sealed class FactorBatch : IDisposable
{
    private bool _disposed;

    private FactorBatch(int dimension, int count, int siteTokens, Tensor mask, FamilyInputs?[] priors, FamilyInputs?[] sites,
        int[] siteCounts, Device device)
    {
        Dimension = dimension;
        Count = count;
        SiteTokens = siteTokens;
        FactorMask = mask;
        PriorInputs = priors;
        SiteInputs = sites;
        SiteCounts = siteCounts;
        Device = device;
    }

    /// <summary>The token layout the batch was built for; a network accepts only batches of its own architecture.</summary>
    public AfinArchitecture Architecture { get; private init; }

    /// <summary>The shared latent dimension d.</summary>
    public int Dimension { get; }

    /// <summary>The number of problems B.</summary>
    public int Count { get; }

    /// <summary>
    /// Site tokens per problem (K = this + 1 with the prior): the largest N of the batch (Faithful), or the number of
    /// likelihood families present in the batch (Pooled).
    /// </summary>
    internal int SiteTokens { get; }

    /// <summary>Number of sites of each problem.</summary>
    internal int[] SiteCounts { get; }

    /// <summary>(B, K) bool: true for real factors (the prior and the problem's own sites).</summary>
    internal Tensor FactorMask { get; }

    /// <summary>Per prior family id: the inputs of that family's priors, or null when absent.</summary>
    internal FamilyInputs?[] PriorInputs { get; }

    /// <summary>Per likelihood family id: the inputs of that family's sites, or null when absent.</summary>
    internal FamilyInputs?[] SiteInputs { get; }

    /// <summary>The device holding the tensors.</summary>
    internal Device Device { get; }

    /// <summary>
    /// Featurises <paramref name="problems"/> (all with the same dimension) onto <paramref name="device"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The list is empty or the problems disagree on d.</exception>
    /// <exception cref="NotSupportedException">A prior or likelihood family has no adapter.</exception>
    public static FactorBatch Create(IReadOnlyList<BayesianProblem> problems, Device device) =>
        Create(problems, device, AfinArchitecture.Faithful);

    /// <summary>
    /// Featurises <paramref name="problems"/> (all with the same dimension) onto <paramref name="device"/> in the token
    /// layout of <paramref name="architecture"/>: one token per site (Faithful) or one per likelihood family (Pooled).
    /// </summary>
    /// <exception cref="ArgumentException">The list is empty or the problems disagree on d.</exception>
    /// <exception cref="NotSupportedException">A prior or likelihood family has no adapter.</exception>
    public static FactorBatch Create(IReadOnlyList<BayesianProblem> problems, Device device, AfinArchitecture architecture) =>
        Create(problems, device, architecture, 1);

    /// <summary>As <see cref="Create(IReadOnlyList{BayesianProblem}, Device, AfinArchitecture)"/>, with the adapter inputs of <paramref name="featureVersion"/> (see <see cref="AfinNetworkOptions.FeatureVersion"/>).</summary>
    internal static FactorBatch Create(IReadOnlyList<BayesianProblem> problems, Device device, AfinArchitecture architecture, int featureVersion)
    {
        ArgumentNullException.ThrowIfNull(problems);
        ArgumentNullException.ThrowIfNull(device);
        if (problems.Count == 0)
        {
            throw new ArgumentException("at least one problem is needed", nameof(problems));
        }
        int d = problems[0].Dimension;
        int b = problems.Count;
        var siteCounts = new int[b];
        for (int p = 0; p < b; p++)
        {
            ArgumentNullException.ThrowIfNull(problems[p], $"{nameof(problems)}[{p}]");
            if (problems[p].Dimension != d)
            {
                throw new ArgumentException($"problems[{p}] has d = {problems[p].Dimension}, but problems[0] has d = {d}; a batch needs one d.", nameof(problems));
            }
            siteCounts[p] = problems[p].ObservationCount;
        }
        // Intermediates die with this scope; the batch's own tensors are detached from every scope.
        using var scope = NewDisposeScope();
        var siteNames = FactorFamilies.SiteNames(featureVersion);
        var siteNodeDims = FactorFamilies.SiteNodeDims(featureVersion);
        var sitePairDims = FactorFamilies.SitePairDims(featureVersion);
        var siteToken = SiteTokenLayout(problems, architecture, featureVersion, out int siteTokens);
        int k = siteTokens + 1;
        var mask = new bool[b * k];
        for (int p = 0; p < b; p++)
        {
            mask[p * k] = true;
            foreach (int t in siteToken[p])
            {
                mask[p * k + 1 + t] = true;
            }
        }

        // Prior inputs, grouped by family.
        var priors = new FamilyInputs?[FactorFamilies.PriorNames.Length];
        for (int f = 0; f < priors.Length; f++)
        {
            var members = Enumerable.Range(0, b).Where(p => FactorFamilies.PriorId(problems[p].Prior) == f).ToArray();
            if (members.Length == 0)
            {
                continue;
            }
            int fn = FactorFamilies.PriorNodeDims[f], fp = FactorFamilies.PriorPairDims[f];
            using var node = empty([members.Length, d, fn], float32);
            using var pair = empty([members.Length, d, d, fp], float32);
            var nodeData = Floats(node);
            var pairData = Floats(pair);
            for (int m = 0; m < members.Length; m++)
            {
                FactorFeatures.Prior(problems[members[m]].Prior, d,
                    nodeData.Slice(m * d * fn, d * fn), pairData.Slice(m * d * d * fp, d * d * fp));
            }
            priors[f] = MakeInputs(members.Select(x => (long)x).ToArray(), node, pair, device);
        }

        // Site inputs, grouped by family; the destination is the flattened (problem, site) position.
        var siteIndex = new List<long>[siteNames.Length];
        var siteRefs = new List<(ObservationBlock Block, int Row)>[siteIndex.Length];
        for (int f = 0; f < siteIndex.Length; f++)
        {
            siteIndex[f] = [];
            siteRefs[f] = [];
        }
        for (int p = 0; p < b; p++)
        {
            int s = 0;
            foreach (var block in problems[p].Blocks)
            {
                int f = block.Count > 0 ? FactorFamilies.SupportedSiteId(block, featureVersion) : -1;
                for (int n = 0; n < block.Count; n++, s++)
                {
                    siteIndex[f].Add((long)p * siteTokens + siteToken[p][s]);
                    siteRefs[f].Add((block, n));
                }
            }
        }
        var sites = new FamilyInputs?[siteIndex.Length];
        for (int f = 0; f < sites.Length; f++)
        {
            int count = siteRefs[f].Count;
            if (count == 0)
            {
                continue;
            }
            int fn = siteNodeDims[f], fp = sitePairDims[f];
            using var node = empty([count, d, fn], float32);
            using var pair = empty([count, d, d, fp], float32);
            var nodeData = Floats(node);
            var pairData = Floats(pair);
            for (int m = 0; m < count; m++)
            {
                var (block, row) = siteRefs[f][m];
                FactorFeatures.Site(block, row, d, nodeData.Slice(m * d * fn, d * fn), pairData.Slice(m * d * d * fp, d * d * fp), featureVersion);
            }
            sites[f] = MakeInputs(siteIndex[f].ToArray(), node, pair, device);
        }

        var maskTensor = tensor(mask, device: device).view(b, k).DetachFromDisposeScope();
        return new FactorBatch(d, b, siteTokens, maskTensor, priors, sites, siteCounts, device) { Architecture = architecture };
    }

    /// <summary>
    /// The site token (0-based, after the prior) of every site of every problem. Faithful: site s is token s, so a
    /// problem has as many tokens as the batch's largest N. Pooled: all sites of a likelihood family share one token,
    /// one per family present in the batch (token order carries no meaning: the merge is invariant to it).
    /// </summary>
    private static int[][] SiteTokenLayout(IReadOnlyList<BayesianProblem> problems, AfinArchitecture architecture, int featureVersion, out int siteTokens)
    {
        if (architecture == AfinArchitecture.Faithful)
        {
            siteTokens = problems.Max(p => p.ObservationCount);
            return problems.Select(p => Enumerable.Range(0, p.ObservationCount).ToArray()).ToArray();
        }
        var familyToken = new int[FactorFamilies.SiteNames(featureVersion).Length];
        Array.Fill(familyToken, -1);
        int count = 0;
        var layout = new int[problems.Count][];
        for (int p = 0; p < problems.Count; p++)
        {
            var tokens = new List<int>(problems[p].ObservationCount);
            foreach (var block in problems[p].Blocks.Where(block => block.Count > 0))
            {
                int f = FactorFamilies.SupportedSiteId(block, featureVersion);
                if (familyToken[f] < 0)
                {
                    familyToken[f] = count++;
                }
                tokens.AddRange(Enumerable.Repeat(familyToken[f], block.Count));
            }
            layout[p] = tokens.ToArray();
        }
        siteTokens = count;
        return layout;
    }

    /// <summary>
    /// The memory of a fresh contiguous CPU float32 tensor, written in place: the features of a d = 16, N = 256
    /// problem are 2.4 MB, and staging them in a managed array put a large-object allocation (and the
    /// collections it triggers) into every inference.
    /// </summary>
    private static Span<float> Floats(Tensor cpuTensor) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(cpuTensor.bytes);

    private static FamilyInputs MakeInputs(long[] index, Tensor node, Tensor pair, Device device) =>
        new(tensor(index, device: device).DetachFromDisposeScope(),
            node.to(device).DetachFromDisposeScope(),
            pair.to(device).DetachFromDisposeScope());

    /// <summary>Releases the tensors.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        FactorMask.Dispose();
        foreach (var inputs in PriorInputs.Concat(SiteInputs))
        {
            inputs?.Dispose();
        }
    }
}
