using static TorchSharp.torch;

namespace Afin.Simulation.Modules;

/// <summary>
/// A trainable conditional density q(θ | x) over p parameters given a context of width c (the simulated data or its
/// summary). Neural posterior estimation fits it by maximising <see cref="LogProb"/> on simulated (θ, x) pairs and then
/// draws posterior samples with <see cref="Sample"/>. Implementations are float32 TorchSharp modules.
/// </summary>
internal interface IConditionalDensity : IDisposable
{
    /// <summary>Number of parameters p (at least 1).</summary>
    int ParameterDim { get; }

    /// <summary>Width c of the context (at least 1).</summary>
    int ContextDim { get; }

    /// <summary>
    /// log q(θ_i | x_i) for the rows of <paramref name="theta"/> (n, p) and <paramref name="context"/> (n, c); returns
    /// shape (n). Differentiable with respect to the module's parameters (this is the training loss).
    /// </summary>
    Tensor LogProb(Tensor theta, Tensor context);

    /// <summary>
    /// <paramref name="count"/> draws from q(θ | x_i) for each row of <paramref name="context"/> (n, c); returns shape
    /// (n, count, p). All randomness comes from <paramref name="generator"/>, so a freshly seeded generator gives the
    /// same draws. The graph is recorded unless the caller disables gradients (wrap in no_grad for plain sampling).
    /// </summary>
    Tensor Sample(Tensor context, int count, Generator generator);
}

/// <summary>Argument checks shared by the <see cref="IConditionalDensity"/> implementations.</summary>
internal static class ConditionalDensityChecks
{
    /// <summary>Validates the dimensions given to a constructor.</summary>
    internal static void Dimensions(int parameterDim, int contextDim)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parameterDim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(contextDim, 1);
    }

    /// <summary>Throws unless <paramref name="context"/> is (n, <paramref name="contextDim"/>).</summary>
    internal static void Context(Tensor context, int contextDim)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.dim() != 2 || context.shape[1] != contextDim)
        {
            throw new ArgumentException($"context must have shape (n, {contextDim}); got ({string.Join(", ", context.shape)})", nameof(context));
        }
    }

    /// <summary>Throws unless <paramref name="theta"/> is (n, <paramref name="parameterDim"/>) with the context's n.</summary>
    internal static void Theta(Tensor theta, Tensor context, int parameterDim, int contextDim)
    {
        ArgumentNullException.ThrowIfNull(theta);
        Context(context, contextDim);
        if (theta.dim() != 2 || theta.shape[1] != parameterDim || theta.shape[0] != context.shape[0])
        {
            throw new ArgumentException(
                $"theta must have shape ({context.shape[0]}, {parameterDim}) to match the context; got ({string.Join(", ", theta.shape)})",
                nameof(theta));
        }
    }

    /// <summary>Throws unless the sample request is valid.</summary>
    internal static void SampleRequest(Tensor context, int contextDim, int count, Generator generator)
    {
        Context(context, contextDim);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentNullException.ThrowIfNull(generator);
    }
}
