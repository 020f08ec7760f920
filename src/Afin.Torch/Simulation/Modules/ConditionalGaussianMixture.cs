using Afin.Network;
using Afin.Network.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Afin.Simulation.Modules;

/// <summary>
/// Conditional mixture of K diagonal Gaussians (a mixture density network): an MLP of the context gives the mixture
/// logits (K), means (K, p) and log-scales (K, p). log q(θ | x) is a logsumexp over components; sampling picks a
/// component per draw from the categorical distribution and then draws from that component's normal.
/// The MLP keeps PyTorch's default initialisation so that the components start at different means (a zero last layer
/// would put every component in the same place, and symmetric components receive identical gradients).
/// </summary>
internal sealed class ConditionalGaussianMixture : nn.Module<Tensor, Tensor, Tensor>, IConditionalDensity
{
    private static readonly double HalfLogTwoPi = 0.5 * Math.Log(2 * Math.PI);

    private readonly Mlp net;
    private readonly double _maxLogScale;

    /// <summary>Creates the mixture.</summary>
    /// <param name="parameterDim">Number of parameters p (at least 1).</param>
    /// <param name="contextDim">Width c of the context (at least 1).</param>
    /// <param name="components">Number of mixture components K (at least 1).</param>
    /// <param name="hiddenDim">Hidden width of the MLP.</param>
    /// <param name="mlpLayers">Linear layers of the MLP (at least 2).</param>
    /// <param name="maxLogScale">Bound b of the soft clamp ℓ = b·tanh(r / b) on every log-scale: keeps a component from
    /// collapsing onto one training point (log q → +∞) and keeps e^{-ℓ} finite in float32.</param>
    public ConditionalGaussianMixture(int parameterDim, int contextDim, int components = 5, int hiddenDim = 64, int mlpLayers = 3,
        double maxLogScale = 7.0) : base(nameof(ConditionalGaussianMixture))
    {
        ConditionalDensityChecks.Dimensions(parameterDim, contextDim);
        ArgumentOutOfRangeException.ThrowIfLessThan(components, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLogScale);
        ParameterDim = parameterDim;
        ContextDim = contextDim;
        Components = components;
        _maxLogScale = maxLogScale;
        net = new Mlp(contextDim, components * (1L + 2L * parameterDim), hiddenDim, mlpLayers);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public int ParameterDim { get; }

    /// <inheritdoc/>
    public int ContextDim { get; }

    /// <summary>Number of mixture components K.</summary>
    public int Components { get; }

    /// <summary>Same as <see cref="LogProb"/>.</summary>
    public override Tensor forward(Tensor theta, Tensor context) => LogProb(theta, context);

    /// <inheritdoc/>
    public Tensor LogProb(Tensor theta, Tensor context)
    {
        ConditionalDensityChecks.Theta(theta, context, ParameterDim, ContextDim);
        using var scope = NewDisposeScope();
        var (logWeights, means, logScales) = Heads(context);
        var standardised = (theta.unsqueeze(1) - means) * (-logScales).exp();
        var componentLogProb = -(standardised.square() * 0.5 + logScales).sum(-1) - ParameterDim * HalfLogTwoPi;
        // logsumexp subtracts the largest term first: a plain log Σ exp underflows to -∞ for points far from every mean.
        return (logWeights + componentLogProb).logsumexp(-1, keepdim: false).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public Tensor Sample(Tensor context, int count, Generator generator)
    {
        ConditionalDensityChecks.SampleRequest(context, ContextDim, count, generator);
        using var scope = NewDisposeScope();
        long n = context.shape[0];
        var (logWeights, means, logScales) = Heads(context);
        // Both draws are made on the generator's device (a generator only serves its own device), components first.
        var weights = logWeights.detach().exp().to(generator.device);
        var component = weights.multinomial(count, replacement: true, generator: generator).to(context.device);
        var eps = randn([n, count, ParameterDim], dtype: context.dtype, device: generator.device, generator: generator).to(context.device);
        var index = component.unsqueeze(-1).expand(n, count, ParameterDim);
        var mean = means.gather(1, index);
        var scale = logScales.gather(1, index).exp();
        return (mean + scale * eps).MoveToOuterDisposeScope();
    }

    /// <summary>Normalised log mixture weights (n, K), means (n, K, p) and bounded log-scales (n, K, p).</summary>
    internal (Tensor LogWeights, Tensor Means, Tensor LogScales) Heads(Tensor context)
    {
        using var scope = NewDisposeScope();
        long n = context.shape[0];
        var raw = net.forward(context);
        var logWeights = raw.narrow(-1, 0, Components).log_softmax(-1);
        var means = raw.narrow(-1, Components, (long)Components * ParameterDim).view(n, Components, ParameterDim);
        var bound = TorchScalars.Of(_maxLogScale);
        var logScales = raw.narrow(-1, Components * (1L + ParameterDim), (long)Components * ParameterDim)
            .view(n, Components, ParameterDim).div(bound).tanh().mul(bound);
        return (logWeights.MoveToOuterDisposeScope(), means.MoveToOuterDisposeScope(), logScales.MoveToOuterDisposeScope());
    }
}
