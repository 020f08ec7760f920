namespace Afin.Network;

/// <summary>
/// The base draws of the TorchSharp forward pass's posteriors: a CPU torch generator seeded per call, so that a seed
/// gives the draws the network's own flow sampling gives.
/// </summary>
internal static class TorchStandardNormal
{
    /// <summary><paramref name="count"/> x <paramref name="d"/> standard normal draws, row-major, from seed <paramref name="seed"/>.</summary>
    public static double[] Draw(int count, int d, int seed)
    {
        if (count == 0 || d == 0)
        {
            return [];
        }
        using var scope = TorchSharp.torch.NewDisposeScope();
        using var generator = new TorchSharp.torch.Generator(unchecked((ulong)seed), TorchSharp.torch.CPU);
        var eps = TorchSharp.torch.randn([count, d], dtype: TorchSharp.torch.ScalarType.Float64, device: TorchSharp.torch.CPU, generator: generator);
        return eps.data<double>().ToArray();
    }
}
