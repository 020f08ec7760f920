namespace Afin.References;

/// <summary>
/// A preallocated point in phase space: position, momentum, and the log density and its gradient
/// at the position (kept so that no state is ever re-evaluated).
/// </summary>
internal sealed class PhasePoint
{
    internal PhasePoint(int dimension)
    {
        Q = new double[dimension];
        P = new double[dimension];
        G = new double[dimension];
    }

    /// <summary>Position.</summary>
    internal double[] Q { get; }

    /// <summary>Momentum.</summary>
    internal double[] P { get; }

    /// <summary>Gradient of the log density at <see cref="Q"/>.</summary>
    internal double[] G { get; }

    /// <summary>Log density at <see cref="Q"/> (minus the potential energy).</summary>
    internal double LogDensity { get; set; }

    /// <summary>Copies everything from <paramref name="source"/>.</summary>
    internal void CopyFrom(PhasePoint source)
    {
        source.Q.AsSpan().CopyTo(Q);
        source.P.AsSpan().CopyTo(P);
        source.G.AsSpan().CopyTo(G);
        LogDensity = source.LogDensity;
    }

    /// <summary>
    /// Copies the position, gradient and log density but not the momentum, which a proposal never
    /// needs: the next transition draws a fresh one.
    /// </summary>
    internal void CopyPositionFrom(PhasePoint source)
    {
        source.Q.AsSpan().CopyTo(Q);
        source.G.AsSpan().CopyTo(G);
        LogDensity = source.LogDensity;
    }
}
