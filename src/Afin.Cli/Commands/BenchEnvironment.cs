using System.Runtime.InteropServices;

namespace Afin.Cli.Commands;

/// <summary>Describes the machine a benchmark ran on, for the record in docs/benchmarks.md.</summary>
internal static class BenchEnvironment
{
    internal static int Cores => Environment.ProcessorCount;

    internal static string Describe() =>
        $"{DateTime.UtcNow:yyyy-MM-dd}, {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}, {Cores} logical cores, .NET {Environment.Version}";
}
