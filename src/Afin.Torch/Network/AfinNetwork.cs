using Afin.Canonical;
using Afin.Modelling;
using Afin.Network.Modules;
using Afin.Persistence;
using Afin.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Afin.Network;

/// <summary>
/// The Amortized Factor Inference Network: family adapters → per-factor box encoder → factor-attention merge with
/// masked sum pooling → Gaussian or flow decoder. Both decoders always exist (as in the reference state dict);
/// <see cref="AfinNetworkOptions.Family"/> selects the one used. Submodule names follow the reference
/// (adapter, encoder, merge, decoder, flow_context_proj, flow_affine, flow). Parameters are created on the CPU from
/// torch's global generator (so torch.manual_seed before construction fixes them) and then moved to the device.
/// Not thread-safe for concurrent forward/training calls.
/// </summary>
public sealed class AfinNetwork : nn.Module<FactorBatch, NetworkOutput>
{
    private const double Log2Pi = 1.8378770664093454836;
    private readonly FamilyAdapter adapter;
    private readonly BoxEncoder encoder;
    private readonly FactorMerge merge;
    private readonly GaussianDecoder decoder;
    private readonly FlowContext flow_context_proj;
    private readonly FlowAffine flow_affine;
    private readonly RealNVPFlow flow;
    private double _flowStrength = 1.0;

    static AfinNetwork()
    {
        TorchRuntime.EnsureReproducible();
        TorchRuntime.KeepTensorMemory();
    }

    /// <summary>Builds the network from <paramref name="options"/> on <paramref name="device"/> (CPU when null).</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public AfinNetwork(AfinNetworkOptions options, Device? device = null) : base(TorchRuntime.NativeLoaded(nameof(AfinNetwork)))
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        long c = options.FeatureWidth;
        int flowLayers = Math.Max(2, options.FlowLayers);
        adapter = new FamilyAdapter(c, options.AdapterHidden, options.SiteLayers, options.BoxHidden, options.FeatureVersion);
        encoder = new BoxEncoder(c, options.BoxHidden, options.MlpLayers, options.EncoderLayers);
        merge = new FactorMerge(c, options.MergeHidden, options.MergeBlocks, options.MlpLayers, options.AttentionHeads);
        decoder = new GaussianDecoder(c, options.DecoderHidden, options.DecoderLayers, options.DecoderResidualScale);
        long contextHidden = Math.Max(options.FlowHidden, options.FlowContext);
        flow_context_proj = new FlowContext(c, options.FlowContext, contextHidden, flowLayers);
        flow_affine = new FlowAffine(c, Math.Max(options.FlowHidden, 5 * c), flowLayers, options.MaxLogScale);
        flow = new RealNVPFlow(options.FlowContext, options.FlowHidden, flowLayers, options.FlowSteps, options.MaxLogScale);
        RegisterComponents();
        if (device is not null && device.type != DeviceType.CPU)
        {
            this.to(device);
        }
    }

    /// <summary>
    /// The network of a trained model, with its weights and flow strength, in evaluation mode, on <paramref name="device"/>
    /// (CPU when null): for fine-tuning, for the TorchSharp forward pass, or for inference on a GPU.
    /// </summary>
    public static AfinNetwork FromModel(AfinModel model, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var network = new AfinNetwork(model.Options);
        ModuleWeights.Load(network, model.Weights, "model weights");
        network.FlowStrength = model.FlowStrength;
        network.eval();
        return device is null || device.type == DeviceType.CPU ? network : network.MoveTo(device);
    }

    /// <summary>
    /// A model of this network's current weights (a float32 CPU copy, which the managed engine runs and model files hold)
    /// and flow strength, trained on <paramref name="tasks"/>.
    /// </summary>
    public AfinModel ToModel(TaskDistribution tasks, TrainingSummary? training = null)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        return new AfinModel(Options, Float32CpuWeights(), tasks, training, flowStrength: FlowStrength);
    }

    private byte[] Float32CpuWeights()
    {
        if (Device.type == DeviceType.CPU && ParameterType == ScalarType.Float32)
        {
            return ModuleWeights.Save(this);
        }
        using var copy = new AfinNetwork(Options);
        var target = copy.state_dict();
        using (no_grad())
        {
            foreach (var (name, tensor) in state_dict())
            {
                target[name].copy_(tensor);
            }
        }
        return ModuleWeights.Save(copy);
    }

    /// <summary>The options the network was built with.</summary>
    public AfinNetworkOptions Options { get; }

    /// <summary>The device holding the parameters (read from them, so it follows <c>to(device)</c> calls).</summary>
    public Device Device => parameters().First().device;

    /// <summary>
    /// Flow strength s in [0, 1] scaling every shift and log-scale of the flow (s = 0 gives q = N(0, I)).
    /// 1 by default; the trainer ramps it from 0. Values outside [0, 1] are clamped.
    /// </summary>
    public double FlowStrength
    {
        get => _flowStrength;
        set => _flowStrength = double.IsNaN(value) ? throw new ArgumentException("FlowStrength must not be NaN.", nameof(value)) : Math.Clamp(value, 0.0, 1.0);
    }

    /// <summary>Total number of parameters, including the decoder the family does not use.</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>The floating-point type of the parameters (float32 unless the network was converted with <c>to</c>).</summary>
    internal ScalarType ParameterType => parameters().First().dtype;

    /// <summary>Lock serialising flow-posterior evaluations on this network.</summary>
    internal object FlowLock { get; } = new();

    /// <summary>
    /// The parameters that training updates: everything except the flow modules for a Gaussian network, and
    /// everything except the Gaussian decoder for a flow network (the reference freezes the unused decoder).
    /// </summary>
    public IEnumerable<Parameter> TrainableParameters()
    {
        var frozen = Options.Family == PosteriorFamily.Gaussian
            ? new nn.Module[] { flow_context_proj, flow_affine, flow }
            : new nn.Module[] { decoder };
        var excluded = new HashSet<Parameter>(frozen.SelectMany(m => m.parameters()), ReferenceEqualityComparer.Instance);
        return parameters().Where(p => !excluded.Contains(p)).ToList();
    }

    /// <summary>Moves the network to <paramref name="device"/> and records it.</summary>
    public AfinNetwork MoveTo(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        this.to(device);
        return this;
    }

    /// <summary>Featurises <paramref name="problems"/> (one d) in this network's token layout, on its device.</summary>
    public FactorBatch CreateBatch(IReadOnlyList<BayesianProblem> problems) => FactorBatch.Create(problems, Device, Options.Architecture, Options.FeatureVersion);

    /// <summary>Adapter tokens: pair (B,K,d,d,C) and node (B,K,d,C), prior at token 0, padded tokens zero.</summary>
    internal (Tensor Pair, Tensor Node) AdaptTokens(FactorBatch batch) => adapter.forward(batch);

    /// <summary>Adapter + encoder tokens.</summary>
    internal (Tensor Pair, Tensor Node) EncodeTokens(FactorBatch batch)
    {
        var (pair, node) = adapter.forward(batch);
        return encoder.forward(pair, node);
    }

    /// <summary>Adapter + encoder + merge blocks, before pooling.</summary>
    internal (Tensor Pair, Tensor Node) MergeTokens(FactorBatch batch)
    {
        var (pair, node) = EncodeTokens(batch);
        return merge.Blocks(pair, node, batch.FactorMask);
    }

    /// <summary>Pooled features: pair (B,d,d,C) and node (B,d,C).</summary>
    internal (Tensor Pair, Tensor Node) Features(FactorBatch batch)
    {
        var (pair, node) = EncodeTokens(batch);
        return merge.forward(pair, node, batch.FactorMask);
    }

    /// <summary>Runs the network and returns the decoder parameters of <see cref="AfinNetworkOptions.Family"/>.</summary>
    /// <exception cref="ArgumentException">The batch was built for the other architecture (use <see cref="CreateBatch"/>).</exception>
    public override NetworkOutput forward(FactorBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Architecture != Options.Architecture)
        {
            throw new ArgumentException($"the batch has the {batch.Architecture} token layout but this network is {Options.Architecture}; build batches with {nameof(CreateBatch)}.", nameof(batch));
        }
        using var scope = NewDisposeScope();
        var (pair, node) = Features(batch);
        NetworkOutput output;
        if (Options.Family == PosteriorFamily.Gaussian)
        {
            var (mean, chol) = decoder.forward(pair, node);
            output = new NetworkOutput(PosteriorFamily.Gaussian) { Mean = mean, PrecisionCholesky = chol };
        }
        else
        {
            var (nodeCtx, pairCtx) = flow_context_proj.forward(pair, node);
            var (shift, logScale) = flow_affine.forward(pair, node);
            output = new NetworkOutput(PosteriorFamily.Flow) { NodeContext = nodeCtx, PairContext = pairCtx, Shift = shift, LogScale = logScale };
        }
        output.MoveToOuterDisposeScope();
        return output;
    }

    /// <summary>
    /// log q(z | task) for each problem of <paramref name="batch"/>; <paramref name="z"/> is (B,d), float32 or float64,
    /// on any device. Differentiable with respect to the parameters. Returns a (B) tensor on the network's device in the
    /// parameters' dtype, i.e. float32 unless the network was converted (the Gaussian family evaluates in float64 and casts). Training loss: -LogProb / d.
    /// </summary>
    public Tensor LogProb(FactorBatch batch, Tensor z)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(z);
        if (z.dim() != 2 || z.shape[0] != batch.Count || z.shape[1] != batch.Dimension)
        {
            throw new ArgumentException($"expected z of shape ({batch.Count}, {batch.Dimension}), got ({string.Join(", ", z.shape)})", nameof(z));
        }
        using var scope = NewDisposeScope();
        var output = forward(batch);
        Tensor logq;
        if (Options.Family == PosteriorFamily.Gaussian)
        {
            logq = GaussianLogProb(z.to(ScalarType.Float64, Device), output.Mean!, output.PrecisionCholesky!).to(ParameterType);
        }
        else
        {
            logq = FlowLogProb(z.to(ParameterType, Device), output.NodeContext!, output.PairContext!, output.Shift!, output.LogScale!, FlowStrength);
        }
        return logq.MoveToOuterDisposeScope();
    }

    /// <summary>log N(z; μ, (L·Lᵀ)⁻¹) = Σ log L_ii − ½(d·log 2π + ‖Lᵀ(z−μ)‖²), batched.</summary>
    internal static Tensor GaussianLogProb(Tensor z, Tensor mean, Tensor chol)
    {
        long d = z.shape[^1];
        var w = matmul(chol.transpose(-1, -2), (z - mean).unsqueeze(-1)).squeeze(-1);
        var logDet = chol.diagonal(0, -2, -1).log().sum(-1);
        return logDet - w.square().sum(-1).add(TorchScalars.Of(d * Log2Pi)).mul(TorchScalars.Half);
    }

    /// <summary>
    /// Flow log density by the inverse pass: v = (z − s·a)·e^{−sℓ}; inverse couplings; log N(x) + Σ log-dets − Σ s·ℓ.
    /// Contexts may have batch 1 and broadcast against z.
    /// </summary>
    internal Tensor FlowLogProb(Tensor z, Tensor nodeCtx, Tensor pairCtx, Tensor shift, Tensor logScale, double s)
    {
        long d = z.shape[^1];
        var strength = TorchScalars.Of(s);
        var sl = logScale.mul(strength);
        var v = (z - shift.mul(strength)) * (-sl).exp();
        var (x, logDet) = flow.Inverse(v, nodeCtx, pairCtx, s);
        var baseLogProb = x.square().sum(-1).add(TorchScalars.Of(d * Log2Pi)).mul(TorchScalars.Of(-0.5));
        return baseLogProb + logDet - sl.sum(-1);
    }

    /// <summary>Flow sampling by the forward pass: returns z and log q(z) from the change of variables.</summary>
    internal (Tensor Z, Tensor LogQ) FlowSample(Tensor eps, Tensor nodeCtx, Tensor pairCtx, Tensor shift, Tensor logScale, double s)
    {
        long d = eps.shape[^1];
        var (v, logDet) = flow.Forward(eps, nodeCtx, pairCtx, s);
        var strength = TorchScalars.Of(s);
        var sl = logScale.mul(strength);
        var z = v * sl.exp() + shift.mul(strength);
        var baseLogProb = eps.square().sum(-1).add(TorchScalars.Of(d * Log2Pi)).mul(TorchScalars.Of(-0.5));
        var logq = baseLogProb - logDet - sl.sum(-1);
        return (z, logq);
    }

    /// <summary>
    /// Pair-tensor entries (problems x factors x d x d) per forward pass. On a CPU the forward pass is
    /// memory-bound (narrow MLPs, element-wise summaries), and measured per-problem cost rose about 4x
    /// once a pass's pair tensors outgrew the caches (d = 8, N = 64: ~26 ms alone, ~100 ms each in
    /// passes of 16 or more), so passes are kept to about a cache's worth; this also bounds memory.
    /// </summary>
    internal const long PairEntryBudget = 1L << 13;

    /// <summary>
    /// Multiply-adds below which a CPU forward pass runs on one intra-op thread: below it the pass is dominated by
    /// per-kernel overhead, which extra threads only add to (afin bench latency: one thread was faster up to the
    /// faithful network's d = 8, N = 16, about 1e8 multiply-adds, and slower from d = 8, N = 64 on).
    /// </summary>
    internal const long SmallPassMultiplyAdds = 100_000_000;

    private bool IsSmallCpuPass(int[] chunk, IReadOnlyList<BayesianProblem> problems) =>
        Device.type == DeviceType.CPU
        && chunk.Sum(i => NetworkCost.MultiplyAdds(Options, problems[i].Dimension, problems[i].ObservationCount, SiteFamilies(problems[i]))) < SmallPassMultiplyAdds;

    /// <summary>The number of likelihood families with at least one site: the pooled layout's site tokens.</summary>
    private static int SiteFamilies(BayesianProblem problem) => problem.Blocks.Where(b => b.Count > 0).Select(b => b.Family).Distinct().Count();

    /// <summary>
    /// A problem's share of <see cref="PairEntryBudget"/>: its tokens' pair entries. In the pooled layout the sites
    /// cost only their adapter pass, whose per-entry work is about an eighth of a token's encoder and merge work.
    /// </summary>
    private long PassEntries(BayesianProblem problem)
    {
        long pairs = (long)problem.Dimension * problem.Dimension;
        if (Options.Architecture == AfinArchitecture.Faithful)
        {
            return (problem.ObservationCount + 1L) * pairs;
        }
        return (1L + SiteFamilies(problem)) * pairs + problem.ObservationCount * pairs / PooledSiteCostDivisor;
    }

    /// <summary>
    /// How many pooled-layout site entries weigh as much as one token entry in <see cref="PassEntries"/>. Measured on
    /// 256 logistic problems per shape: 1 gave 390 problems/s at d = 8, N = 64 and 8 gave 1,075/s; 4-16 were within
    /// noise of each other everywhere, 64 lost 4x at d = 16, N = 256.
    /// </summary>
    internal const int PooledSiteCostDivisor = 8;

    /// <summary>
    /// Consecutive runs of a group (same d, sorted by N) holding at most <paramref name="maxBatchSize"/>
    /// problems and at most <see cref="PairEntryBudget"/> pair entries once padded to the run's largest N.
    /// </summary>
    private IEnumerable<int[]> Chunks(int[] group, IReadOnlyList<BayesianProblem> problems, int maxBatchSize)
    {
        var chunk = new List<int>();
        foreach (int index in group)
        {
            long entriesPerProblem = PassEntries(problems[index]);
            if (chunk.Count > 0 && (chunk.Count >= maxBatchSize || (chunk.Count + 1) * entriesPerProblem > PairEntryBudget))
            {
                yield return chunk.ToArray();
                chunk.Clear();
            }
            chunk.Add(index);
        }
        if (chunk.Count > 0)
        {
            yield return chunk.ToArray();
        }
    }

    /// <summary>
    /// Posteriors for <paramref name="problems"/> (in order), under no_grad in eval mode. Problems are grouped by d,
    /// sorted by N within a group (to limit padding) and run in batches of at most <paramref name="maxBatchSize"/>;
    /// results match one-by-one inference up to float rounding. A network in Laplace coordinates
    /// (<see cref="AfinNetworkOptions.Coordinates"/>) is given each problem's canonical twin and its answers are
    /// mapped back (<see cref="CanonicalAfinPosterior"/>).
    /// </summary>
    public IReadOnlyList<AfinPosterior> Infer(IReadOnlyList<BayesianProblem> problems, int maxBatchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(problems);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        if (Options.Coordinates == LatentCoordinates.Original)
        {
            return InferAsGiven(problems, maxBatchSize);
        }
        var frames = new CanonicalFrame[problems.Count];
        try
        {
            Parallel.For(0, problems.Count, i =>
            {
                var problem = problems[i] ?? throw new ArgumentNullException(nameof(problems), $"problems[{i}] is null.");
                frames[i] = CanonicalFrame.Create(problem, Options.Coordinates);
            });
        }
        catch (AggregateException e)
        {
            // Callers expect the exception a single problem would raise, not the parallel loop's wrapper.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }
        var canonical = InferAsGiven(frames.Select(f => f.Problem).ToArray(), maxBatchSize);
        return canonical.Select((q, i) => (AfinPosterior)new CanonicalAfinPosterior(q, frames[i].Map)).ToArray();
    }

    /// <summary>Posteriors of the problems exactly as given, in the coordinates they are stated in.</summary>
    private AfinPosterior[] InferAsGiven(IReadOnlyList<BayesianProblem> problems, int maxBatchSize)
    {
        var results = new AfinPosterior[problems.Count];
        // Switching modes walks every module (~0.5 ms, a sixth of a small problem's latency), so only when needed.
        bool wasTraining = training;
        if (wasTraining)
        {
            eval();
        }
        try
        {
            using var noGrad = no_grad();
            var groups = Enumerable.Range(0, problems.Count)
                .GroupBy(i => problems[i].Dimension)
                .Select(g => g.OrderBy(i => problems[i].ObservationCount).ToArray());
            foreach (var group in groups)
            {
                foreach (var chunk in Chunks(group, problems, maxBatchSize))
                {
                    using var threads = IsSmallCpuPass(chunk, problems) ? IntraOpThreads.Limit(1) : default;
                    using var scope = NewDisposeScope();
                    using var batch = CreateBatch(chunk.Select(i => problems[i]).ToArray());
                    var output = forward(batch);
                    var posteriors = Extract(output, batch.Dimension, chunk.Length);
                    for (int r = 0; r < chunk.Length; r++)
                    {
                        results[chunk[r]] = posteriors[r];
                    }
                }
            }
        }
        finally
        {
            if (wasTraining)
            {
                train();
            }
        }
        return results;
    }

    private AfinPosterior[] Extract(NetworkOutput output, int d, int count)
    {
        var result = new AfinPosterior[count];
        if (output.Family == PosteriorFamily.Gaussian)
        {
            var mean = output.Mean!.cpu().data<double>().ToArray();
            var chol = output.PrecisionCholesky!.cpu().data<double>().ToArray();
            for (int b = 0; b < count; b++)
            {
                var m = mean.AsSpan(b * d, d).ToArray();
                var l = new double[d, d];
                for (int i = 0; i < d; i++)
                {
                    for (int j = 0; j <= i; j++)
                    {
                        l[i, j] = chol[(b * d + i) * d + j];
                    }
                }
                result[b] = new GaussianAfinPosterior(m, l, TorchStandardNormal.Draw);
            }
            return result;
        }
        int cc = Options.FlowContext;
        var node = output.NodeContext!.to(ScalarType.Float64).contiguous().cpu().data<double>().ToArray();
        var pair = output.PairContext!.to(ScalarType.Float64).contiguous().cpu().data<double>().ToArray();
        var shift = output.Shift!.to(ScalarType.Float64).contiguous().cpu().data<double>().ToArray();
        var logScale = output.LogScale!.to(ScalarType.Float64).contiguous().cpu().data<double>().ToArray();
        for (int b = 0; b < count; b++)
        {
            result[b] = new FlowAfinPosterior(this, d, cc,
                node.AsSpan(b * d * cc, d * cc).ToArray(),
                pair.AsSpan(b * d * d * cc, d * d * cc).ToArray(),
                shift.AsSpan(b * d, d).ToArray(),
                logScale.AsSpan(b * d, d).ToArray(),
                FlowStrength);
        }
        return result;
    }
}
