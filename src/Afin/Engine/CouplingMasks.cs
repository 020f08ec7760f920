using System.Collections.Concurrent;

namespace Afin.Engine;

/// <summary>
/// The RealNVP masks of the reference (1 = kept, conditioning coordinate), computed in managed float32 exactly as the
/// torch module computes them: score_i = frac(sin((i + 1)·12.9898 + phase)·43758.5453) with phase = 1729 + 104729·(k + 1),
/// every operation rounded to float32; the clamp(⌊d/2⌋, 1, d - 1) highest scores are kept; odd layers are inverted;
/// d = 1 gives m = 0. The mask is part of the trained network, so a different rounding here would be a different
/// network: tests compare these masks with torch's for every d up to 64 and every layer up to 15.
/// </summary>
internal static class CouplingMasks
{
    private const int MaskSeed = 1729;
    private static readonly ConcurrentDictionary<(int Layer, int D), float[]> Cache = new();

    /// <summary>The mask of coupling <paramref name="layer"/> for dimension <paramref name="d"/> (shared; do not modify).</summary>
    public static float[] Get(int layer, int d) => Cache.GetOrAdd((layer, d), key => Compute(key.Layer, key.D));

    private static float[] Compute(int layer, int d)
    {
        var mask = new float[d];
        if (d <= 1)
        {
            return mask;
        }
        float phase = (float)(MaskSeed + 104729.0 * (layer + 1));
        var scores = new float[d];
        for (int i = 0; i < d; i++)
        {
            float angle = (i + 1) * 12.9898f + phase;
            float scaled = MathF.Sin(angle) * 43758.5453f;
            scores[i] = scaled - MathF.Truncate(scaled);
        }
        int keep = Math.Max(1, Math.Min(d - 1, d / 2));
        var order = Enumerable.Range(0, d).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(keep);
        foreach (int i in order)
        {
            mask[i] = 1f;
        }
        if (layer % 2 == 1)
        {
            for (int i = 0; i < d; i++)
            {
                mask[i] = 1f - mask[i];
            }
        }
        return mask;
    }
}
