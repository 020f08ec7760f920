namespace Afin.Tests;

/// <summary>Files of the repository the tests read in place: committed model files, sources.</summary>
internal static class RepositoryFiles
{
    /// <summary>The repository root: the first folder above the test binaries that holds Afin.MLNet.sln.</summary>
    internal static string Root { get; } = FindRoot();

    /// <summary>The path of a committed model file, e.g. <c>afin-synthetic.afin</c> under <c>models/</c>.</summary>
    internal static string Model(string name) => Path.Combine(Root, "models", name);

    private static string FindRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Afin.MLNet.sln")))
        {
            folder = folder.Parent;
        }
        return folder?.FullName ?? throw new InvalidOperationException("the repository root (Afin.MLNet.sln) is not above the test binaries");
    }
}
