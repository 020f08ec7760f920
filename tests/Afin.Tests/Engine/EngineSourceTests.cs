namespace Afin.Tests.Engine;

/// <summary>The managed engine's folder is meant to move into an assembly without TorchSharp: it must not mention it.</summary>
[TestClass]
public sealed class EngineSourceTests
{
    [TestMethod]
    public void EngineSourcesDoNotMentionTorchSharp()
    {
        var folder = Path.Combine(RepositoryRoot(), "src", "Afin", "Engine");
        var sources = Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories);
        Assert.IsGreaterThan(10, sources.Length, $"expected the engine's sources in {folder}");
        var offending = sources
            .Where(file => File.ReadAllText(file).Contains("TorchSharp", StringComparison.OrdinalIgnoreCase))
            .Select(Path.GetFileName)
            .ToArray();
        Assert.IsEmpty(offending, $"these engine sources mention TorchSharp: {string.Join(", ", offending)}");
    }

    /// <summary>The folder holding Afin.MLNet.sln, found by walking up from the test's base directory.</summary>
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Afin.MLNet.sln")))
            {
                return dir.FullName;
            }
        }
        throw new AssertFailedException($"no Afin.MLNet.sln above {AppContext.BaseDirectory}");
    }
}
