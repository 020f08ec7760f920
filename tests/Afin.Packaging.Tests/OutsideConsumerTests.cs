using System.IO.Compression;
using Afin.Platform;
using Afin.Tests.Platform;

namespace Afin.Packaging.Tests;

/// <summary>
/// Apps outside the repository, as users build them, with no manual step: one references the library projects by
/// ProjectReference, one consumes the packages that <c>dotnet pack Afin.MLNet.sln</c> makes from a local folder feed
/// (samples/PackageConsumer), and the <c>afin</c> tool is installed from the same feed. Each runs ML.NET's Fit,
/// Transform, Save and Load, DI, and Fit with fine-tuning (the one step that loads TorchSharp's native library). On a machine whose libstdc++ lacks GLIBCXX_3.4.32 (Debian 12) the build-time
/// fix must have patched each app's copy of TorchSharp's library, and an unpatched copy must still run through the
/// run-time fix.
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed class OutsideConsumerTests
{
    private const string RuntimeFixLine = "loaded a copy with that requirement marked weak from ";
    private static string _work = "";
    private static string _feed = "";
    private static string _version = "";
    private static string _projectReferenceApp = "";
    private static string _checkout = "";

    [ClassInitialize]
    public static void PackAndBuild(TestContext context)
    {
        _work = Directory.CreateTempSubdirectory("afin-packaging-").FullName;
        _feed = Path.Combine(_work, "feed");
        // A version no earlier run used, so the global packages folder can never serve a stale copy.
        _version = "0.1.0-test" + Guid.NewGuid().ToString("N")[..8];
        // Pack and build a copy of the sources: `dotnet test` builds the other test projects while this one runs, and
        // builds of the same projects in the same obj folders would race.
        _checkout = Path.Combine(_work, "checkout");
        CopyFolder(RepositoryPaths.Root, _checkout);
        var pack = DotnetCommand.Dotnet(_checkout, 900, "pack", "Afin.MLNet.sln", "-c", "Release", "-o", _feed,
            $"-p:Version={_version}", "-nologo", "-v:q");
        Assert.AreEqual(0, pack.ExitCode, pack.All);
        _projectReferenceApp = BuildProjectReferenceConsumer();
    }

    [ClassCleanup]
    public static void RemoveWork()
    {
        if (Directory.Exists(_work))
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    [TestMethod]
    public void SolutionPackMakesTheFivePackagesWithMetadataDocsAndSymbols()
    {
        foreach (string id in new[] { "Afin", "Afin.Torch", "Afin.MLNet", "Afin.Extensions.DependencyInjection" })
        {
            Assert.IsTrue(File.Exists(Path.Combine(_feed, $"{id}.{_version}.snupkg")), $"{id} has no symbol package");
            using var package = ZipFile.OpenRead(Path.Combine(_feed, $"{id}.{_version}.nupkg"));
            var entries = package.Entries.Select(e => e.FullName).ToList();
            CollectionAssert.Contains(entries, $"lib/net10.0/{id}.dll");
            CollectionAssert.Contains(entries, $"lib/net10.0/{id}.xml");
            CollectionAssert.Contains(entries, "README.md");
            string nuspec = Nuspec(package);
            StringAssert.Contains(nuspec, "<license type=\"expression\">MIT</license>");
            StringAssert.Contains(nuspec, "<readme>README.md</readme>");
            StringAssert.Contains(nuspec, "<tags>");
            StringAssert.Contains(nuspec, "<description>");
        }
        using var torch = ZipFile.OpenRead(Path.Combine(_feed, $"Afin.Torch.{_version}.nupkg"));
        CollectionAssert.IsSubsetOf(new[] { "buildTransitive/Afin.Torch.targets", "buildTransitive/TorchSharpNativeFix.targets", "buildTransitive/ElfVersionNeeds.cs" },
            torch.Entries.Select(e => e.FullName).ToList());
        StringAssert.Contains(Nuspec(torch), "id=\"TorchSharp-cpu\"");
        using var afin = ZipFile.OpenRead(Path.Combine(_feed, $"Afin.{_version}.nupkg"));
        Assert.DoesNotContain("TorchSharp", Nuspec(afin), "the core package infers without TorchSharp");
        Assert.DoesNotContain("buildTransitive/", string.Join("\n", afin.Entries.Select(e => e.FullName)), "the core package needs no native fix");
        using var dll = new MemoryStream();
        afin.GetEntry("lib/net10.0/Afin.dll")!.Open().CopyTo(dll);
        Assert.IsTrue(dll.ToArray().AsSpan().IndexOf("afin-default.afin"u8) >= 0, "the shipped model travels inside Afin.dll");
        Assert.IsTrue(File.Exists(Path.Combine(_feed, $"Afin.Cli.{_version}.nupkg")), "the afin tool package");
        Assert.IsTrue(File.Exists(Path.Combine(_feed, $"Afin.Cli.linux-x64.{_version}.nupkg")), "the afin tool's linux-x64 package");
    }

    [TestMethod]
    public void ProjectReferenceConsumerRunsWithItsOutputPatchedAtBuildTime()
    {
        var run = RunConsumer(_projectReferenceApp);

        AssertRanToTheEnd(run);
        AssertPatchedAtBuildTime(_projectReferenceApp, run);
    }

    [TestMethod]
    public void PackageConsumerSampleBuildsFromTheLocalFeedAndRuns()
    {
        string project = Path.Combine(_work, "package-consumer");
        CopyFolder(Path.Combine(_checkout, "samples", "PackageConsumer"), project);
        File.WriteAllText(Path.Combine(project, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="afin-local-feed" value="{_feed}" />
              </packageSources>
            </configuration>
            """);
        var build = DotnetCommand.Dotnet(project, 600, "build", "-nologo", "-v:q", $"-p:AfinVersion={_version}",
            $"-p:RestorePackagesPath={Path.Combine(_work, "packages")}", $"-p:RestoreFallbackFolders={RepositoryPaths.GlobalPackages}");
        Assert.AreEqual(0, build.ExitCode, build.All);
        string app = Path.Combine(project, "bin", "Debug", "net10.0");

        var run = RunConsumer(app);

        AssertRanToTheEnd(run);
        AssertPatchedAtBuildTime(app, run);
    }

    [TestMethod]
    public void AfinToolInstallsFromTheFeedAndInfers()
    {
        string toolPath = Path.Combine(_work, "tool");
        var install = DotnetCommand.Dotnet(_work, 300, "tool", "install", "--tool-path", toolPath, "--add-source", _feed, "Afin.Cli", "--version", _version);
        Assert.AreEqual(0, install.ExitCode, install.All);

        var infer = DotnetCommand.Run(Path.Combine(toolPath, "afin"), _work,
            ["infer", "--problem", Path.Combine(RepositoryPaths.Root, "samples", "problems", "logistic-regression.json")], 300);

        Assert.AreEqual(0, infer.ExitCode, infer.All);
        StringAssert.Contains(infer.StandardOutput, "\"mean\"");
        Assert.DoesNotContain(RuntimeFixLine, infer.StandardError, "the packed tool ships a patched library");
    }

    [TestMethod]
    public void UnpatchedCopyRunsThroughTheRuntimeFixWithAPrivateCache()
    {
        if (!RepositoryPaths.HostNeedsNativeFix)
        {
            Assert.Inconclusive("This machine's libstdc++ provides GLIBCXX_3.4.32: TorchSharp loads without any fix.");
        }
        string app = Path.Combine(_work, "unpatched");
        CopyFolder(_projectReferenceApp, app);
        File.Copy(PristineTorchSharpNative.Path(), Path.Combine(app, "runtimes", "linux-x64", "native", "libLibTorchSharp.so"), overwrite: true);
        string cache = Path.Combine(_work, "xdg-cache");

        var run = RunConsumer(app, cache);

        AssertRanToTheEnd(run);
        StringAssert.Contains(run.StandardError, RuntimeFixLine + Path.Combine(cache, "afin", "torchsharp-native"));
        Assert.AreEqual(1, run.StandardError.Split('\n').Count(line => line.Contains(RuntimeFixLine, StringComparison.Ordinal)), "one line says so");

        string notAFolder = Path.Combine(_work, "cache-is-a-file");
        File.WriteAllText(notAFolder, "");
        var fallback = RunConsumer(app, notAFolder);

        AssertRanToTheEnd(fallback);
        StringAssert.Contains(fallback.StandardError, RuntimeFixLine + Path.Combine(Path.GetTempPath(), "afin-torchsharp-"));
    }

    private static string Nuspec(ZipArchive package) =>
        new StreamReader(package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open()).ReadToEnd();

    private static string BuildProjectReferenceConsumer()
    {
        string project = Path.Combine(_work, "project-reference-consumer");
        Directory.CreateDirectory(project);
        File.Copy(Path.Combine(_checkout, "samples", "PackageConsumer", "Program.cs"), Path.Combine(project, "Program.cs"));
        string src = Path.Combine(_checkout, "src");
        File.WriteAllText(Path.Combine(project, "PackageConsumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="{Path.Combine(src, "Afin.MLNet", "Afin.MLNet.csproj")}" />
                <ProjectReference Include="{Path.Combine(src, "Afin.Extensions.DependencyInjection", "Afin.Extensions.DependencyInjection.csproj")}" />
                <PackageReference Include="Microsoft.Extensions.DependencyInjection" Version="10.0.5" />
              </ItemGroup>
            </Project>
            """);
        var build = DotnetCommand.Dotnet(project, 600, "build", "-nologo", "-v:q");
        Assert.AreEqual(0, build.ExitCode, build.All);
        return Path.Combine(project, "bin", "Debug", "net10.0");
    }

    private static DotnetCommand.Result RunConsumer(string app, string? cacheHome = null)
    {
        var environment = new Dictionary<string, string?> { ["XDG_CACHE_HOME"] = cacheHome ?? Path.Combine(_work, "unused-cache") };
        return DotnetCommand.Run(DotnetCommand.Host, _work, [Path.Combine(app, "PackageConsumer.dll")], 300, environment);
    }

    private static void AssertRanToTheEnd(DotnetCommand.Result run)
    {
        Assert.AreEqual(0, run.ExitCode, run.All);
        StringAssert.Contains(run.StandardOutput, "PackageConsumer: 6 posteriors");
        StringAssert.Contains(run.StandardOutput, "Saved and reloaded: max |mean difference| = ");
        StringAssert.Contains(run.StandardOutput, "DI engine: c0 mean [");
        StringAssert.Contains(run.StandardOutput, "Fine-tuned 3 steps: 6 posteriors");
        StringAssert.Contains(run.StandardOutput, "PackageConsumer: done");
    }

    private static void AssertPatchedAtBuildTime(string app, DotnetCommand.Result run)
    {
        if (!RepositoryPaths.HostNeedsNativeFix)
        {
            return;   // nothing to patch on this machine; running is the whole check
        }
        var elf = ElfImage.TryParse(File.ReadAllBytes(Path.Combine(app, "runtimes", "linux-x64", "native", "libLibTorchSharp.so")))!;
        Assert.IsTrue(elf.ReadVersionNeeds().Single(n => n.Version == "GLIBCXX_3.4.32").IsWeak, "the build patched the app's copy");
        Assert.DoesNotContain(RuntimeFixLine, run.StandardError, "the run-time fix was not needed");
    }

    /// <summary>Copies a folder, leaving out build outputs, test results and git's own folder at any depth.</summary>
    private static void CopyFolder(string from, string to)
    {
        string[] skipped = ["bin", "obj", ".git", "TestResults"];
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar).SkipLast(1).Any(skipped.Contains))
            {
                continue;
            }
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(to, relative))!);
            File.Copy(file, Path.Combine(to, relative), overwrite: true);
        }
    }
}
