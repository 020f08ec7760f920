namespace Afin.Engine;

/// <summary>
/// Per-thread scratch memory of the managed engine: a stack of spans carved out of one array, released in reverse
/// order by <see cref="Scope"/>. Every forward pass needs a dozen buffers whose sizes depend on d and N; renting them
/// from here instead of allocating keeps steady-state inference free of garbage beyond its result, and the memory
/// stays hot in the caches from one problem to the next.
/// </summary>
/// <remarks>
/// When a request does not fit, a larger block is allocated and later requests are carved from it; spans handed out
/// earlier keep their old block alive until the outermost scope ends, when only the largest block is kept. So the
/// arena grows to the largest pass a thread has run and then allocates nothing. One instance per thread
/// (<see cref="ForThread"/>): no locking, and concurrent inferences on one model never share scratch memory.
/// </remarks>
internal sealed class ScratchArena<T> where T : unmanaged
{
    [ThreadStatic]
    private static ScratchArena<T>? _forThread;

    private T[] _block = new T[1 << 12];
    private int _used;
    private int _depth;

    /// <summary>The calling thread's arena.</summary>
    public static ScratchArena<T> ForThread => _forThread ??= new ScratchArena<T>();

    /// <summary>Elements currently held by this thread's arena (for tests and diagnostics).</summary>
    public int Capacity => _block.Length;

    /// <summary>Opens a scope: every span rented until it is disposed is released together.</summary>
    public ArenaScope Scope()
    {
        _depth++;
        return new ArenaScope(this, _block, _used);
    }

    /// <summary>A span of <paramref name="length"/> elements with unspecified contents, valid until its scope ends.</summary>
    public Span<T> Rent(int length)
    {
        if (_depth == 0)
        {
            throw new InvalidOperationException("rent scratch memory inside a Scope()");
        }
        if (length > _block.Length - _used)
        {
            // Spans already handed out keep the old block alive; the new one serves the rest of the pass.
            _block = new T[Math.Max(2 * _block.Length, length + _used)];
        }
        var span = _block.AsSpan(_used, length);
        _used += length;
        return span;
    }

    /// <summary>A zeroed span of <paramref name="length"/> elements, valid until its scope ends.</summary>
    public Span<T> RentZeroed(int length)
    {
        var span = Rent(length);
        span.Clear();
        return span;
    }

    private void Release(T[] block, int used)
    {
        _depth--;
        if (_depth == 0)
        {
            _used = 0;
        }
        else if (ReferenceEquals(block, _block))
        {
            _used = used;
        }
        // Otherwise the arena grew inside the scope: what it rented from the new block stays rented until the outermost
        // scope ends, which wastes a little of one pass and never hands out memory twice.
    }

    /// <summary>Releases the spans rented since <see cref="Scope"/>.</summary>
    public readonly struct ArenaScope : IDisposable
    {
        private readonly ScratchArena<T> _arena;
        private readonly T[] _block;
        private readonly int _used;

        internal ArenaScope(ScratchArena<T> arena, T[] block, int used)
        {
            _arena = arena;
            _block = block;
            _used = used;
        }

        /// <inheritdoc />
        public void Dispose() => _arena.Release(_block, _used);
    }
}
