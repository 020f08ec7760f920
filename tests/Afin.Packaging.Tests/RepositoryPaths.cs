namespace Afin.Packaging.Tests;

/// <summary>Where the repository and the machine's NuGet folders are, seen from the test's output folder.</summary>
internal static class RepositoryPaths
{
    /// <summary>The repository root (the folder holding Afin.MLNet.sln).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The NuGet global packages folder, used read-only as a fallback folder by the consumer restores.</summary>
    public static string GlobalPackages =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>True where the machine's libstdc++ lacks GLIBCXX_3.4.32, so TorchSharp's library needs the fix.</summary>
    public static bool HostNeedsNativeFix =>
        OperatingSystem.IsLinux()
        && new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" }.FirstOrDefault(File.Exists) is { } libstdcxx
        && !File.ReadAllText(libstdcxx).Contains("GLIBCXX_3.4.32", StringComparison.Ordinal);

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Afin.MLNet.sln")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException($"No Afin.MLNet.sln above {AppContext.BaseDirectory}.");
    }
}
