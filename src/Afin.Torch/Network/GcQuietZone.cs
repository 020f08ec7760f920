using System.Runtime;

namespace Afin.Network;

/// <summary>
/// Holds garbage collection off (best effort) while a block of TorchSharp calls runs.
/// </summary>
/// <remarks>
/// Inside TorchSharp (its optimisers, gradient clipping) numbers become native Scalars that only a
/// finalizer frees and that are not kept alive across the native call (see <see cref="TorchScalars"/>).
/// With no collection during the block, nothing in use can be finalized; whatever became garbage
/// is collected after the block, when no native call holds it. If the block allocates more than the
/// budget the runtime collects anyway, which is no worse than not asking.
/// </remarks>
internal static class GcQuietZone
{
    private const long Budget = 192L << 20;

    internal static T Run<T>(Func<T> action)
    {
        bool started = false;
        try
        {
            started = GCSettings.LatencyMode != GCLatencyMode.NoGCRegion && GC.TryStartNoGCRegion(Budget);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or InvalidOperationException)
        {
            // Budget too large for this GC configuration, or another thread holds a region: run unprotected.
        }
        try
        {
            return action();
        }
        finally
        {
            if (started && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
            {
                try
                {
                    GC.EndNoGCRegion();
                }
                catch (InvalidOperationException)
                {
                    // The block outgrew the budget and the runtime already ended the region.
                }
            }
        }
    }
}
