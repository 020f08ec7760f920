namespace Afin.Simulation;

/// <summary>Derives independent, reproducible <see cref="Random"/> streams from a seed and a stream index.</summary>
internal static class SimulationSeeds
{
    /// <summary>A generator for stream <paramref name="stream"/> of <paramref name="seed"/> (SplitMix64 mixing, so nearby
    /// seeds and indices give unrelated streams).</summary>
    internal static Random Stream(int seed, long stream)
    {
        unchecked
        {
            ulong z = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL + (ulong)stream * 0xD1B54A32D192ED03UL + 0x632BE59BD9B4E019UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return new Random((int)(z & 0x7FFFFFFF));
        }
    }
}
