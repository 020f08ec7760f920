using System.Diagnostics;
using static TorchSharp.torch;

namespace Afin.Cli.Commands;

/// <summary>The machine's large-matmul rate, the ceiling against which the forward pass's achieved GFLOP/s is read.</summary>
internal static class MachineRate
{
    internal static double MatmulGigaflops(int size = 1024, int repeats = 5)
    {
        using var scope = NewDisposeScope();
        var a = randn(size, size);
        var b = randn(size, size);
        a.matmul(b);
        var clock = Stopwatch.StartNew();
        for (int r = 0; r < repeats; r++)
        {
            a.matmul(b);
        }
        return 2.0 * size * size * size * repeats / clock.Elapsed.TotalSeconds / 1e9;
    }
}
