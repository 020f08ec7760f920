using static TorchSharp.torch;

namespace Afin.Network;

/// <summary>
/// Limits torch's intra-op threads for a scope and restores the previous count on dispose. Small forward passes are
/// hundreds of tiny kernels; with more than one thread each pays a thread wake-up and barrier, which measured
/// (afin bench latency, 2 cores) 30-50% slower than one thread for problems of a few milliseconds.
/// </summary>
internal readonly struct IntraOpThreads : IDisposable
{
    private readonly int _previous;

    private IntraOpThreads(int previous) => _previous = previous;

    /// <summary>Runs the scope on <paramref name="threads"/> intra-op threads.</summary>
    public static IntraOpThreads Limit(int threads)
    {
        int previous = get_num_threads();
        if (previous != threads)
        {
            set_num_threads(threads);
        }
        return new IntraOpThreads(previous);
    }

    /// <summary>Restores the thread count found on entry.</summary>
    public void Dispose()
    {
        if (_previous > 0 && get_num_threads() != _previous)
        {
            set_num_threads(_previous);
        }
    }
}
