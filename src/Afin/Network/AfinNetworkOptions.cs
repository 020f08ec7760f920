using Afin.Canonical;

namespace Afin.Network;

/// <summary>
/// Sizes and constants of an <c>AfinNetwork</c>. The defaults describe a small model that trains on a CPU;
/// <see cref="Reference"/> is the configuration of the published 5M-parameter checkpoints.
/// </summary>
public sealed record AfinNetworkOptions
{
    /// <summary>
    /// Faithful (one token per site, as published) or Pooled (one token per likelihood family, cost linear in N with a
    /// small constant). Files written before this option existed are Faithful.
    /// </summary>
    public AfinArchitecture Architecture { get; init; } = AfinArchitecture.Faithful;

    /// <summary>
    /// The coordinates the network sees problems in: <see cref="LatentCoordinates.Original"/> (as stated; every model
    /// trained before canonical coordinates), or Laplace coordinates, <see cref="LatentCoordinates.Diagonal"/> or
    /// <see cref="LatentCoordinates.Full"/>, where the problem is mapped through its Laplace approximation before the
    /// forward pass and the posterior mapped back. Laplace coordinates need <see cref="FeatureVersion"/> 2 or later.
    /// </summary>
    public LatentCoordinates Coordinates { get; init; } = LatentCoordinates.Original;

    /// <summary>
    /// The adapter inputs: 1, the published features (model files written before this option existed read as 1); 2 adds
    /// the offset of logit sites to their features and a Laplace-error site family, which Laplace coordinates need; 3 adds
    /// a Poisson (<c>poisson_log</c>) site family and leaves version 2's adapters as they are. A network refuses a
    /// likelihood family its version has no adapter for (<see cref="NotSupportedException"/>); a model file records its
    /// version, so files of every version load unchanged.
    /// </summary>
    public int FeatureVersion { get; init; } = 1;

    /// <summary>The newest <see cref="FeatureVersion"/>, which new training runs use.</summary>
    public const int LatestFeatureVersion = 3;

    /// <summary>
    /// The likelihood families (JSON names, in the order of <see cref="Training.TaskDistribution.AllLikelihoodFamilies"/>)
    /// that networks of <paramref name="featureVersion"/> have adapters for: all but <c>poisson_log</c> before version 3.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="featureVersion"/> is not between 1 and <see cref="LatestFeatureVersion"/>.</exception>
    public static IReadOnlyList<string> LikelihoodFamiliesOf(int featureVersion)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(featureVersion, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(featureVersion, LatestFeatureVersion);
        return Training.TaskDistribution.AllLikelihoodFamilies.Where(f => FactorFamilies.FirstFeatureVersion(FactorFamilies.SiteId(f)) <= featureVersion).ToArray();
    }

    /// <summary>
    /// Residual per-site layers between each likelihood site's adapter and the token it joins (0: none, as
    /// published). Each is a pointwise MLP (C → <see cref="BoxHidden"/> → C) on every pair and node entry of the
    /// site, so it adds per-site capacity without per-site coordinate mixing; meant for the pooled architecture,
    /// where the adapter is otherwise the only per-site computation.
    /// </summary>
    public int SiteLayers { get; init; }

    /// <summary>Feature width C: channels of every node (d x C) and pair (d x d x C) tensor.</summary>
    public int FeatureWidth { get; init; } = 16;

    /// <summary>Hidden width of the family adapter MLPs (two Linear layers each).</summary>
    public int AdapterHidden { get; init; } = 32;

    /// <summary>Hidden width of the encoder box-layer MLPs.</summary>
    public int BoxHidden { get; init; } = 48;

    /// <summary>Linear layers per box MLP (the reference's <c>box_num_layers</c>); the merge maps use max(2, this).</summary>
    public int MlpLayers { get; init; } = 2;

    /// <summary>Number of box layers in the per-factor encoder (the reference's <c>box_depth</c>).</summary>
    public int EncoderLayers { get; init; } = 1;

    /// <summary>Hidden width of the Q/K/V/out/FFN maps of the merge blocks (not an attention width).</summary>
    public int MergeHidden { get; init; } = 48;

    /// <summary>Number of factor-attention merge blocks.</summary>
    public int MergeBlocks { get; init; } = 2;

    /// <summary>Hidden width of the Gaussian decoder heads.</summary>
    public int DecoderHidden { get; init; } = 48;

    /// <summary>Linear layers per Gaussian decoder head.</summary>
    public int DecoderLayers { get; init; } = 2;

    /// <summary>The posterior family the network is trained for (both decoders always exist).</summary>
    public PosteriorFamily Family { get; init; } = PosteriorFamily.Gaussian;

    /// <summary>Hidden width of the flow coupling conditioners.</summary>
    public int FlowHidden { get; init; } = 16;

    /// <summary>Channels of the flow context (node and pair) tensors.</summary>
    public int FlowContext { get; init; } = 32;

    /// <summary>Linear layers per flow MLP (at least 2 are used).</summary>
    public int FlowLayers { get; init; } = 2;

    /// <summary>Number of RealNVP coupling layers.</summary>
    public int FlowSteps { get; init; } = 4;

    /// <summary>Bound b of every flow log-scale: l = b * tanh(raw / b).</summary>
    public double MaxLogScale { get; init; } = 1.2;

    /// <summary>Factor applied to the off-diagonal precision head of the Gaussian decoder.</summary>
    public double DecoderResidualScale { get; init; } = 0.1;

    /// <summary>
    /// The published configuration (about 5.17M parameters): C = 40, adapter 64, box 192 x 3 layers x depth 4,
    /// merge 192 x 4 blocks, decoder 160 x 3, flow hidden 32, context 160, 3 layers, 4 steps.
    /// </summary>
    public static AfinNetworkOptions Reference { get; } = new()
    {
        FeatureWidth = 40,
        AdapterHidden = 64,
        BoxHidden = 192,
        MlpLayers = 3,
        EncoderLayers = 4,
        MergeHidden = 192,
        MergeBlocks = 4,
        DecoderHidden = 160,
        DecoderLayers = 3,
        FlowHidden = 32,
        FlowContext = 160,
        FlowLayers = 3,
        FlowSteps = 4,
        MaxLogScale = 1.2,
        DecoderResidualScale = 0.1,
    };

    /// <summary>Checks every option; throws <see cref="ArgumentException"/> naming the first invalid one.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public void Validate()
    {
        if (FeatureVersion is < 1 or > LatestFeatureVersion)
        {
            throw new ArgumentException($"{nameof(FeatureVersion)} must be between 1 and {LatestFeatureVersion}, got {FeatureVersion}.", nameof(FeatureVersion));
        }
        if (!Enum.IsDefined(Coordinates))
        {
            throw new ArgumentException($"{nameof(Coordinates)} must be one of {string.Join(", ", Enum.GetNames<LatentCoordinates>())}, got {Coordinates}.", nameof(Coordinates));
        }
        if (Coordinates != LatentCoordinates.Original && FeatureVersion < 2)
        {
            throw new ArgumentException($"{nameof(Coordinates)} = {Coordinates} needs {nameof(FeatureVersion)} 2 or later: canonical problems carry offsets at logit sites.", nameof(FeatureVersion));
        }
        static void AtLeast(string name, int value, int min)
        {
            if (value < min)
            {
                throw new ArgumentException($"{name} must be at least {min}, got {value}.", name);
            }
        }
        AtLeast(nameof(FeatureWidth), FeatureWidth, 1);
        AtLeast(nameof(AdapterHidden), AdapterHidden, 1);
        AtLeast(nameof(BoxHidden), BoxHidden, 1);
        AtLeast(nameof(MlpLayers), MlpLayers, 2);
        AtLeast(nameof(EncoderLayers), EncoderLayers, 0);
        AtLeast(nameof(SiteLayers), SiteLayers, 0);
        AtLeast(nameof(MergeHidden), MergeHidden, 1);
        AtLeast(nameof(MergeBlocks), MergeBlocks, 0);
        AtLeast(nameof(DecoderHidden), DecoderHidden, 1);
        AtLeast(nameof(DecoderLayers), DecoderLayers, 2);
        AtLeast(nameof(FlowHidden), FlowHidden, 1);
        AtLeast(nameof(FlowContext), FlowContext, 1);
        AtLeast(nameof(FlowLayers), FlowLayers, 1);
        AtLeast(nameof(FlowSteps), FlowSteps, 0);
        if (!Enum.IsDefined(Architecture))
        {
            throw new ArgumentException($"{nameof(Architecture)} has the undefined value {(int)Architecture}.", nameof(Architecture));
        }
        if (!Enum.IsDefined(Family))
        {
            throw new ArgumentException($"{nameof(Family)} has the undefined value {(int)Family}.", nameof(Family));
        }
        if (!(MaxLogScale > 0) || !double.IsFinite(MaxLogScale))
        {
            throw new ArgumentException($"{nameof(MaxLogScale)} must be positive and finite, got {MaxLogScale}.", nameof(MaxLogScale));
        }
        if (!double.IsFinite(DecoderResidualScale) || DecoderResidualScale < 0)
        {
            throw new ArgumentException($"{nameof(DecoderResidualScale)} must be finite and non-negative, got {DecoderResidualScale}.", nameof(DecoderResidualScale));
        }
    }

    /// <summary>Number of attention heads: the first of 8, 4, 2 dividing both <see cref="MergeHidden"/> and C, else 1.</summary>
    internal int AttentionHeads
    {
        get
        {
            foreach (int h in new[] { 8, 4, 2 })
            {
                if (MergeHidden % h == 0 && FeatureWidth % h == 0)
                {
                    return h;
                }
            }
            return 1;
        }
    }
}
