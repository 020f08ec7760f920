namespace Afin.Modelling;

/// <summary>
/// An unnormalised log density over R^d with its analytic gradient, the one thing a reference
/// sampler needs from a model.
/// </summary>
/// <remarks>
/// Implementations may keep scratch buffers, so one instance is not safe to use from several
/// threads at once; samplers that run chains in parallel ask <see cref="CreateWorker"/> for one
/// instance per chain.
/// </remarks>
public interface ILogDensity
{
    /// <summary>The dimension d of the latent vector.</summary>
    int Dimension { get; }

    /// <summary>
    /// Evaluates log p(z) up to a constant and writes its gradient into <paramref name="gradient"/>
    /// without allocating.
    /// </summary>
    /// <param name="z">The point, length <see cref="Dimension"/>.</param>
    /// <param name="gradient">Receives d log p / dz, length <see cref="Dimension"/>.</param>
    /// <returns>The unnormalised log density at <paramref name="z"/>.</returns>
    double Evaluate(ReadOnlySpan<double> z, Span<double> gradient);

    /// <summary>Returns an independent instance over the same density, for use on another thread.</summary>
    ILogDensity CreateWorker();
}
