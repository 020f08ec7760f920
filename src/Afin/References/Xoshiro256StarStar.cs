using System.Runtime.CompilerServices;

namespace Afin.References;

/// <summary>
/// xoshiro256** (Blackman and Vigna 2018), a small, fast generator with a 2^256 - 1 period, plus the
/// uniform and standard normal variates the sampler needs.
/// </summary>
/// <remarks>
/// The sampler owns its generator instead of using <see cref="Random"/> so that a seed gives the
/// same stream on every runtime version and platform (the algorithm behind a seeded
/// <see cref="Random"/> is an implementation detail), and so each chain can be seeded from
/// (seed, chain index) alone, which keeps results independent of thread scheduling.
/// </remarks>
internal sealed class Xoshiro256StarStar
{
    private ulong _s0, _s1, _s2, _s3;
    private double _spareNormal;
    private bool _hasSpareNormal;

    /// <summary>Creates the generator for one chain of a seeded run.</summary>
    internal Xoshiro256StarStar(long seed, int stream)
    {
        // Mix seed and stream through SplitMix64 so that nearby seeds and chain indices give
        // unrelated states; SplitMix64 output is never all-zero over four consecutive words.
        ulong x = Mix64((ulong)seed) ^ Mix64(0xD1B54A32D192ED03UL * (ulong)(uint)(stream + 1));
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>The next 64 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform variate on [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform variate on [<paramref name="low"/>, <paramref name="high"/>).</summary>
    internal double NextUniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>A standard normal variate (Marsaglia's polar method, which yields them in pairs).</summary>
    internal double NextNormal()
    {
        if (_hasSpareNormal)
        {
            _hasSpareNormal = false;
            return _spareNormal;
        }
        double u, v, s;
        do
        {
            u = 2.0 * NextDouble() - 1.0;
            v = 2.0 * NextDouble() - 1.0;
            s = u * u + v * v;
        }
        while (s >= 1.0 || s == 0.0);
        double factor = Math.Sqrt(-2.0 * Math.Log(s) / s);
        _spareNormal = v * factor;
        _hasSpareNormal = true;
        return u * factor;
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix64(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        return Mix64(state);
    }

    private static ulong Mix64(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
