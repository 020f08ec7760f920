using System.Collections.Concurrent;
using static TorchSharp.torch;

namespace Afin.Network.Modules;

/// <summary>
/// The reference's deterministic RealNVP masks (1 = kept/conditioning coordinate). For layer k and dimension d:
/// phase = 1729 + 104729·(k+1); score_i = frac(sin((i+1)·12.9898 + phase)·43758.5453) computed in float32 with torch
/// on the CPU (as the reference does); keep = clamp(⌊d/2⌋, 1, d-1) highest scores get 1; odd layers are inverted.
/// d = 1 gives m = 0. Masks are cached per (k, d).
/// </summary>
internal static class CouplingMask
{
    private const int MaskSeed = 1729;
    private static readonly ConcurrentDictionary<(int Layer, int D), float[]> Cache = new();

    /// <summary>The mask of layer <paramref name="layer"/> for dimension <paramref name="d"/>.</summary>
    public static float[] Get(int layer, int d) => Cache.GetOrAdd((layer, d), key => Compute(key.Layer, key.D));

    private static float[] Compute(int layer, int d)
    {
        var mask = new float[d];
        if (d <= 1)
        {
            return mask;
        }
        using var scope = NewDisposeScope();
        double phase = MaskSeed + 104729.0 * (layer + 1);
        var idx = arange(d, dtype: ScalarType.Float32, device: CPU);
        var scores = idx.add(TorchScalars.One).mul(TorchScalars.Of(12.9898)).add(TorchScalars.Of(phase)).sin().mul(TorchScalars.Of(43758.5453)).frac();
        int keep = Math.Max(1, Math.Min(d - 1, d / 2));
        var top = scores.topk(keep, largest: true).indexes;
        using (var acc = top.data<long>())
        {
            foreach (long i in acc)
            {
                mask[i] = 1f;
            }
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
