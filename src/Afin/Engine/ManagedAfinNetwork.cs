using System.Numerics.Tensors;
using System.Runtime.ExceptionServices;
using Afin.Canonical;
using Afin.Modelling;
using Afin.Network;

namespace Afin.Engine;

/// <summary>
/// A trained AFIN evaluated in managed code: the same computation as the torch network's forward pass, read from
/// its state-dict bytes, with no native library. Family adapters (and site refiners) → box encoder → factor-attention
/// merge → sum pooling → Gaussian decoder, or flow context, final affine and RealNVP couplings. A network in Laplace
/// coordinates is given each problem's canonical twin and its answer is mapped back, as <c>AfinNetwork.Infer</c> does.
/// </summary>
/// <remarks>
/// Immutable after construction and thread-safe: every pass works in the calling thread's <see cref="ScratchArena{T}"/>,
/// so any number of threads may infer at once on one instance, and a thread's steady-state inference allocates little
/// beyond its result. Each problem is its own pass over exactly its own tokens: there is no padding to a batch's
/// largest N and no mask, so grouping problems by d and sorting them by N (which the torch engine does to limit padding)
/// buys nothing here, and a problem's posterior is bit for bit the same alone or in any batch.
/// </remarks>
internal sealed class ManagedAfinNetwork
{
    /// <summary>Problems per call from which <see cref="Infer(IReadOnlyList{BayesianProblem})"/> spreads them over the cores.</summary>
    private const int ParallelFrom = 8;

    private readonly FamilyAdapter _adapter;
    private readonly BoxLayer[] _encoder;
    private readonly FactorAttentionBlock[] _merge;
    private readonly GaussianDecoder? _gaussian;
    private readonly FlowContext? _flowContext;
    private readonly FlowAffine? _flowAffine;
    private readonly RealNvpFlow? _flow;

    /// <summary>Builds the network of <paramref name="options"/> from <paramref name="weights"/>, taking only the decoder its family uses.</summary>
    /// <exception cref="InvalidDataException">A parameter is missing or has another shape.</exception>
    public ManagedAfinNetwork(AfinNetworkOptions options, WeightSet weights, double flowStrength = 1.0)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(weights);
        options.Validate();
        Options = options;
        FlowStrength = double.IsNaN(flowStrength) ? throw new ArgumentException("the flow strength must not be NaN", nameof(flowStrength)) : Math.Clamp(flowStrength, 0, 1);
        int c = options.FeatureWidth;
        _adapter = new FamilyAdapter(weights, options);
        _encoder = Enumerable.Range(0, options.EncoderLayers)
            .Select(l => BoxLayer.From(weights, $"encoder.layers.{l}", c, options.BoxHidden, options.MlpLayers))
            .ToArray();
        int mergeLayers = Math.Max(2, options.MlpLayers);
        _merge = Enumerable.Range(0, options.MergeBlocks)
            .Select(b => new FactorAttentionBlock(weights, $"merge.blocks.{b}", c, options.MergeHidden, mergeLayers, options.AttentionHeads))
            .ToArray();
        if (options.Family == PosteriorFamily.Gaussian)
        {
            _gaussian = new GaussianDecoder(weights, c, options.DecoderHidden, options.DecoderLayers, options.DecoderResidualScale);
            return;
        }
        int flowLayers = Math.Max(2, options.FlowLayers);
        _flowContext = new FlowContext(weights, c, options.FlowContext, Math.Max(options.FlowHidden, options.FlowContext), flowLayers);
        _flowAffine = new FlowAffine(weights, c, Math.Max(options.FlowHidden, 5 * c), flowLayers, options.MaxLogScale);
        _flow = new RealNvpFlow(weights, options.FlowContext, options.FlowHidden, flowLayers, options.FlowSteps, options.MaxLogScale);
    }

    /// <summary>Reads the network from the state-dict bytes of a model file's weights section (see <see cref="StateDictReader"/>).</summary>
    /// <exception cref="InvalidDataException">The bytes are malformed or do not hold the network <paramref name="options"/> describe.</exception>
    public static ManagedAfinNetwork FromStateDict(AfinNetworkOptions options, ReadOnlySpan<byte> stateDict, string source, double flowStrength = 1.0) =>
        new(options, StateDictReader.Read(stateDict, source), flowStrength);

    /// <summary>The options the network was trained with.</summary>
    public AfinNetworkOptions Options { get; }

    /// <summary>The flow strength s of every flow posterior (1 for a trained model; see <c>AfinNetwork.FlowStrength</c>).</summary>
    public double FlowStrength { get; }

    /// <summary>The posterior of one problem.</summary>
    /// <exception cref="NotSupportedException">The problem has a prior or likelihood family the network has no adapter for.</exception>
    public AfinPosterior Infer(BayesianProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (Options.Coordinates == LatentCoordinates.Original)
        {
            return InferAsStated(problem);
        }
        var frame = CanonicalFrame.Create(problem, Options.Coordinates);
        return new CanonicalAfinPosterior(InferAsStated(frame.Problem), frame.Map);
    }

    /// <summary>The posteriors of <paramref name="problems"/>, in order; from <see cref="ParallelFrom"/> problems on, on all cores.</summary>
    /// <exception cref="NotSupportedException">A problem has a family the network has no adapter for (the first such problem's, before any pass).</exception>
    public IReadOnlyList<AfinPosterior> Infer(IReadOnlyList<BayesianProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        for (int i = 0; i < problems.Count; i++)
        {
            var problem = problems[i] ?? throw new ArgumentNullException(nameof(problems), $"problems[{i}] is null.");
            // Refuse unsupported families up front, in order, as the torch engine's featurisation does.
            _adapter.Tokens(problem);
        }
        var results = new AfinPosterior[problems.Count];
        if (problems.Count < ParallelFrom)
        {
            for (int i = 0; i < problems.Count; i++)
            {
                results[i] = Infer(problems[i]);
            }
            return results;
        }
        try
        {
            Parallel.For(0, problems.Count, i => results[i] = Infer(problems[i]));
        }
        catch (AggregateException e)
        {
            // Callers expect the exception a single problem would raise, not the parallel loop's wrapper.
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }
        return results;
    }

    /// <summary>One forward pass over the problem's own tokens, in the coordinates it is stated in (no canonical frame).</summary>
    internal AfinPosterior InferAsStated(BayesianProblem problem)
    {
        int d = problem.Dimension, c = Options.FeatureWidth;
        int tokens = _adapter.Tokens(problem);
        int pairSize = d * d * c, nodeSize = d * c;
        var arena = ScratchArena<float>.ForThread;
        using var scope = arena.Scope();
        var pair = arena.Rent(tokens * pairSize);
        var node = arena.Rent(tokens * nodeSize);
        _adapter.Encode(problem, pair, node);
        foreach (var layer in _encoder)
        {
            layer.Update(pair, node, tokens, d, c);
        }
        Span<int> tokenStart = [0, tokens];
        var batch = new TokenBatch(d, c, tokenStart, pair, node);
        foreach (var block in _merge)
        {
            block.Apply(batch);
        }
        // Sum pooling over the problem's tokens: pair = sym(Σ_k P_k), node = Σ_k n_k.
        var pooledPair = arena.Rent(pairSize);
        var pooledNode = arena.Rent(nodeSize);
        pair[..pairSize].CopyTo(pooledPair);
        node[..nodeSize].CopyTo(pooledNode);
        for (int t = 1; t < tokens; t++)
        {
            TensorPrimitives.Add(pooledPair, pair.Slice(t * pairSize, pairSize), pooledPair);
            TensorPrimitives.Add(pooledNode, node.Slice(t * nodeSize, nodeSize), pooledNode);
        }
        PairOps.Symmetrise(pooledPair, d, c);
        return Decode(pooledPair, pooledNode, d);
    }

    private AfinPosterior Decode(ReadOnlySpan<float> pair, ReadOnlySpan<float> node, int d)
    {
        if (_gaussian is not null)
        {
            var (mean, cholesky) = _gaussian.Decode(pair, node, d);
            return new GaussianAfinPosterior(mean, cholesky, ManagedStandardNormal.Draw);
        }
        int c = Options.FeatureWidth, cc = Options.FlowContext;
        var arena = ScratchArena<float>.ForThread;
        using var scope = arena.Scope();
        var rich = arena.Rent(d * 5 * c);
        PairOps.RichNodeFeatures(pair, node, d, c, rich);
        var nodeContext = new float[d * cc];
        var pairContext = new float[d * d * cc];
        var shift = new float[d];
        var logScale = new float[d];
        _flowContext!.Apply(pair, rich, d, nodeContext, pairContext);
        _flowAffine!.Apply(rich, d, shift, logScale);
        return FlowPosterior(d, nodeContext, pairContext, shift, logScale);
    }

    /// <summary>The flow posterior of given decoder outputs (node context d x Cc, pair context d x d x Cc, shift and log-scale d).</summary>
    internal ManagedFlowPosterior FlowPosterior(int d, float[] nodeContext, float[] pairContext, float[] shift, float[] logScale)
    {
        if (_flow is null)
        {
            throw new InvalidOperationException("a Gaussian network has no flow");
        }
        int cc = Options.FlowContext;
        if (nodeContext.Length != d * cc || pairContext.Length != d * d * cc || shift.Length != d || logScale.Length != d)
        {
            throw new ArgumentException($"flow outputs for d = {d} need {d * cc} node and {d * d * cc} pair context values and {d} shifts and log-scales");
        }
        return new ManagedFlowPosterior(_flow, d, nodeContext, pairContext, shift, logScale, FlowStrength);
    }
}
