using static TorchSharp.torch;

namespace Afin.Network;

/// <summary>
/// The decoder parameters an <see cref="AfinNetwork"/> produces for a <see cref="FactorBatch"/>. The Gaussian members
/// are set for <see cref="PosteriorFamily.Gaussian"/> networks and the flow members for <see cref="PosteriorFamily.Flow"/>
/// networks; the others are null. The tensors belong to the caller's dispose scope (or to this object's
/// <see cref="Dispose"/>).
/// </summary>
public sealed class NetworkOutput : IDisposable
{
    internal NetworkOutput(PosteriorFamily family)
    {
        Family = family;
    }

    /// <summary>Which members are set.</summary>
    public PosteriorFamily Family { get; }

    /// <summary>Gaussian mean (B,d), float64.</summary>
    public Tensor? Mean { get; internal init; }

    /// <summary>Lower Cholesky factor L of the Gaussian precision Λ = L·Lᵀ (B,d,d), float64.</summary>
    public Tensor? PrecisionCholesky { get; internal init; }

    /// <summary>Flow node context (B,d,Cc), float32.</summary>
    public Tensor? NodeContext { get; internal init; }

    /// <summary>Flow pair context (B,d,d,Cc), float32, symmetric in the two coordinate axes.</summary>
    public Tensor? PairContext { get; internal init; }

    /// <summary>Shift a of the flow's final affine (B,d), float32 (not yet multiplied by the strength).</summary>
    public Tensor? Shift { get; internal init; }

    /// <summary>Bounded log-scale ℓ of the flow's final affine (B,d), float32 (not yet multiplied by the strength).</summary>
    public Tensor? LogScale { get; internal init; }

    internal IEnumerable<Tensor> Tensors =>
        new[] { Mean, PrecisionCholesky, NodeContext, PairContext, Shift, LogScale }.OfType<Tensor>();

    internal void MoveToOuterDisposeScope()
    {
        foreach (var t in Tensors)
        {
            t.MoveToOuterDisposeScope();
        }
    }

    /// <summary>Disposes the tensors that are set.</summary>
    public void Dispose()
    {
        foreach (var t in Tensors)
        {
            t.Dispose();
        }
    }
}
