namespace Afin.Tests.Platform;

/// <summary>TorchSharp's own, unpatched libLibTorchSharp.so in the NuGet global packages folder.</summary>
internal static class PristineTorchSharpNative
{
    /// <summary>The file's path; the test is inconclusive where the package is not in the global folder.</summary>
    public static string Path()
    {
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string version = typeof(TorchSharp.torch).Assembly.GetName().Version is { } v ? $"{v.Major}.{v.Minor}.{v.Build}" : "";
        string path = System.IO.Path.Combine(packages, "torchsharp", version, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        if (!OperatingSystem.IsLinux() || !File.Exists(path))
        {
            Assert.Inconclusive($"TorchSharp's linux-x64 native library is not at {path}.");
        }
        return path;
    }
}
