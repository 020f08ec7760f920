using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Afin.Simulation.Modules;

/// <summary>
/// Conditional neural spline flow q(θ | x) with base N(0, I) in p dimensions (Durkan et al. 2019). In the density
/// direction θ passes through a <see cref="ConditionalAffineLayer"/> and then <c>numLayers</c>
/// <see cref="ConditionalSplineLayer"/>s to z, and log q(θ | x) = log N(z; 0, I) + Σ log|det|. Sampling runs the exact
/// inverse (closed-form spline roots) from base draws. Every layer starts at the identity, so an untrained flow is the
/// standard normal; θ should be standardised by the caller so that the bulk of it lies well inside [-B, B], where the
/// splines act (outside they are the identity).
/// </summary>
internal sealed class ConditionalSplineFlow : nn.Module<Tensor, Tensor, Tensor>, IConditionalDensity
{
    private static readonly double HalfLogTwoPi = 0.5 * Math.Log(2 * Math.PI);

    private readonly ConditionalAffineLayer affine;
    private readonly ModuleList<ConditionalSplineLayer> layers;

    /// <summary>Creates the flow.</summary>
    /// <param name="parameterDim">Number of parameters p (at least 1).</param>
    /// <param name="contextDim">Width c of the context (at least 1).</param>
    /// <param name="numLayers">Number of spline layers (at least 1; for p ≥ 2 use an even number so both halves are transformed equally often).</param>
    /// <param name="numBins">Spline bins K per coordinate and layer (at least 2).</param>
    /// <param name="bound">Half-width B of the spline interval [-B, B].</param>
    /// <param name="hiddenDim">Hidden width of every conditioner MLP.</param>
    /// <param name="mlpLayers">Linear layers per conditioner MLP (at least 2).</param>
    /// <param name="maxLogScale">Soft bound on the affine layer's log-scale.</param>
    public ConditionalSplineFlow(int parameterDim, int contextDim, int numLayers = 4, int numBins = 8, double bound = 5.0,
        int hiddenDim = 64, int mlpLayers = 3, double maxLogScale = 8.0) : base(nameof(ConditionalSplineFlow))
    {
        ConditionalDensityChecks.Dimensions(parameterDim, contextDim);
        ArgumentOutOfRangeException.ThrowIfLessThan(numLayers, 1);
        ParameterDim = parameterDim;
        ContextDim = contextDim;
        affine = new ConditionalAffineLayer(parameterDim, contextDim, hiddenDim, mlpLayers, maxLogScale);
        layers = new ModuleList<ConditionalSplineLayer>();
        for (int k = 0; k < numLayers; k++)
        {
            layers.Add(new ConditionalSplineLayer(parameterDim, contextDim, hiddenDim, mlpLayers, numBins, bound, k));
        }
        RegisterComponents();
    }

    /// <inheritdoc/>
    public int ParameterDim { get; }

    /// <inheritdoc/>
    public int ContextDim { get; }

    /// <summary>Same as <see cref="LogProb"/>.</summary>
    public override Tensor forward(Tensor theta, Tensor context) => LogProb(theta, context);

    /// <inheritdoc/>
    public Tensor LogProb(Tensor theta, Tensor context)
    {
        ConditionalDensityChecks.Theta(theta, context, ParameterDim, ContextDim);
        using var scope = NewDisposeScope();
        var (z, logDet) = ToLatent(theta, context);
        var baseLogProb = -(z.square().sum(-1) * 0.5) - ParameterDim * HalfLogTwoPi;
        return (baseLogProb + logDet).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public Tensor Sample(Tensor context, int count, Generator generator)
    {
        ConditionalDensityChecks.SampleRequest(context, ContextDim, count, generator);
        using var scope = NewDisposeScope();
        long n = context.shape[0];
        // Drawn on the generator's device (a generator only serves its own device) and then moved to the context's.
        var z = randn([n * count, ParameterDim], dtype: context.dtype, device: generator.device, generator: generator).to(context.device);
        var repeated = context.repeat_interleave(count, dim: 0);
        var (theta, _) = FromLatent(z, repeated);
        return theta.view(n, count, ParameterDim).MoveToOuterDisposeScope();
    }

    /// <summary>Density direction θ (n, p) → z (n, p); returns z and log|dz/dθ| per row (n).</summary>
    internal (Tensor Latent, Tensor LogDet) ToLatent(Tensor theta, Tensor context)
    {
        using var scope = NewDisposeScope();
        var (x, logDet) = affine.Transform(theta, context, inverse: false);
        foreach (var layer in layers)
        {
            var (y, ld) = layer.Transform(x, context, inverse: false);
            x = y;
            logDet = logDet + ld;
        }
        return (x.MoveToOuterDisposeScope(), logDet.MoveToOuterDisposeScope());
    }

    /// <summary>Sampling direction z (n, p) → θ (n, p), the exact inverse of <see cref="ToLatent"/>; returns θ and
    /// log|dθ/dz| per row (n).</summary>
    internal (Tensor Theta, Tensor LogDet) FromLatent(Tensor latent, Tensor context)
    {
        using var scope = NewDisposeScope();
        var x = latent;
        Tensor logDet = zeros(latent.shape[0], dtype: latent.dtype, device: latent.device);
        for (int k = layers.Count - 1; k >= 0; k--)
        {
            var (y, ld) = layers[k].Transform(x, context, inverse: true);
            x = y;
            logDet = logDet + ld;
        }
        var (theta, affineLogDet) = affine.Transform(x, context, inverse: true);
        return (theta.MoveToOuterDisposeScope(), (logDet + affineLogDet).MoveToOuterDisposeScope());
    }
}
