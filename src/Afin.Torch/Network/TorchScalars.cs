using System.Collections.Concurrent;
using TorchSharp;

namespace Afin.Network;

/// <summary>
/// Cached TorchSharp <see cref="Scalar"/>s for every scalar argument of a tensor operation.
/// </summary>
/// <remarks>
/// TorchSharp turns a .NET number into a native Scalar that only its finalizer frees, and passes
/// the raw handle to native code without keeping the Scalar alive; a garbage collection during
/// the native call can free it mid-use (seen as "toFloat"/"Scalar.h" assertion failures after a
/// few hundred training steps). Scalars held here are rooted for the life of the process, so they
/// are never finalized while in use. The values used are few (constants, a model's fixed sizes,
/// the flow-strength ramp), so the cache stays small.
/// </remarks>
internal static class TorchScalars
{
    private static readonly ConcurrentDictionary<long, Scalar> Cache = new();

    internal static readonly Scalar One = Of(1.0);

    internal static readonly Scalar Half = Of(0.5);

    internal static Scalar Of(double value) => Cache.GetOrAdd(BitConverter.DoubleToInt64Bits(value), bits => BitConverter.Int64BitsToDouble(bits).ToScalar());
}
