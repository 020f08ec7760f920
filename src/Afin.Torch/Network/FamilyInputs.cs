using static TorchSharp.torch;

namespace Afin.Network;

/// <summary>
/// The adapter inputs of the factors of one family in a batch: where they go (<see cref="Index"/>: batch index for
/// priors, flattened batch*SiteTokens+token index for sites) and their symlogged node (M,d,Fn) and pair (M,d,d,Fp) features.
/// </summary>
internal sealed class FamilyInputs : IDisposable
{
    /// <summary>Creates the holder; it owns the tensors.</summary>
    public FamilyInputs(Tensor index, Tensor node, Tensor pair)
    {
        Index = index;
        Node = node;
        Pair = pair;
    }

    /// <summary>Destination indices (int64).</summary>
    public Tensor Index { get; }

    /// <summary>Node features (M, d, Fn), float32.</summary>
    public Tensor Node { get; }

    /// <summary>Pair features (M, d, d, Fp), float32.</summary>
    public Tensor Pair { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        Index.Dispose();
        Node.Dispose();
        Pair.Dispose();
    }
}
