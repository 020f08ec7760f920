using Afin.Metrics;

namespace Afin.Engine;

/// <summary>
/// The base draws of the managed engine's posteriors: a seeded <see cref="ReproducibleNormal"/> stream, so a seed gives
/// the same draws on every machine and runtime, and no native generator is needed. They are not the draws a torch
/// generator gives for the same seed, so a managed posterior's samples for a seed differ from the torch
/// engine's (both are exact draws from the same distribution).
/// </summary>
internal static class ManagedStandardNormal
{
    /// <summary><paramref name="count"/> x <paramref name="d"/> standard normal draws, row-major, from seed <paramref name="seed"/>.</summary>
    public static double[] Draw(int count, int d, int seed)
    {
        var draws = new double[(long)count * d];
        var normal = new ReproducibleNormal(seed);
        for (int i = 0; i < draws.Length; i++)
        {
            draws[i] = normal.NextStandardNormal();
        }
        return draws;
    }
}
