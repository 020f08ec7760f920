using System.Text.Json;
using Afin.MLNet.Tests;

namespace Afin.Samples.Tests;

/// <summary>Runs each sample as its own process (as <c>dotnet run</c> would) with the tiny test model.</summary>
[TestClass]
public sealed class SampleTests
{
    [TestMethod]
    public void QuickstartRunsAndReloadedOutputsAgree()
    {
        var (exitCode, output) = Run("Quickstart", "--model", TestModel.Path);
        Assert.AreEqual(0, exitCode, output);
        StringAssert.Contains(output, "Quickstart: 20 stores, linear regression with d = 3, N = 30 observations each");
        StringAssert.Contains(output, "Posteriors: 20 rows, one per store");
        StringAssert.Contains(output, "store-00:");
        StringAssert.Contains(output, "exact");
        StringAssert.Contains(output, "Reloaded outputs agree.");
        StringAssert.Contains(output, "store-new: predicted ");
        StringAssert.Contains(output, "(unknown store: prior predictive)");
        var coverage = System.Text.RegularExpressions.Regex.Match(output, @"Next week: 200 sales of 20 stores; the 90% intervals hold (\d+) ?% of them");
        Assert.IsTrue(coverage.Success, output);
        Assert.IsTrue(int.Parse(coverage.Groups[1].Value) is >= 78 and <= 98, $"coverage {coverage.Groups[1].Value}%");
    }

    [TestMethod]
    public void HostedWorkerRunsRequestsAndExits()
    {
        var (exitCode, output) = Run("HostedWorker", "--model", TestModel.Path);
        Assert.AreEqual(0, exitCode, output);
        StringAssert.Contains(output, "batch size 64, 200 samples per result");   // from appsettings.json
        StringAssert.Contains(output, "request 7: mean [");
        StringAssert.Contains(output, "batch request: 8 posteriors");
        StringAssert.Contains(output, "HostedWorker: done");
    }

    [TestMethod]
    public void HostedWorkerShipsNoTorchSharp()
    {
        // The worker only infers (through the DI engine), so its build output holds neither TorchSharp nor libtorch.
        string folder = Path.GetDirectoryName(SamplePath("HostedWorker"))!;
        Assert.IsTrue(File.Exists(Path.Combine(folder, "Afin.dll")), folder);
        var torch = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(Path.GetFileName)
            .Where(name => name!.Contains("torch", StringComparison.OrdinalIgnoreCase) || name.StartsWith("libc10", StringComparison.Ordinal))
            .ToArray();
        Assert.IsEmpty(torch, $"TorchSharp or libtorch files in the worker's output: {string.Join(", ", torch.Take(5))}");
    }

    [TestMethod]
    public void SimulationQuickstartTrainsInfersAndReloads()
    {
        var (exitCode, output) = Run("SimulationQuickstart", "--quick");
        Assert.AreEqual(0, exitCode, output);
        StringAssert.Contains(output, "training a neural posterior estimator on 2000 simulations");
        StringAssert.Contains(output, "epoch 4:");
        StringAssert.Contains(output, "curve 4: amplitude");
        StringAssert.Contains(output, "ML.NET, curve 0: amplitude");
        StringAssert.Contains(output, "Reloaded outputs agree.");
    }

    [TestMethod]
    public void HostedWorkerSettingsHoldEveryKeyTheDocsShow()
    {
        // docs/mlnet.md shows these keys of the "Afin" section; the sample's appsettings.json is what users copy.
        string path = Path.Combine(Path.GetDirectoryName(SamplePath("HostedWorker"))!, "appsettings.json");
        using var settings = JsonDocument.Parse(File.ReadAllText(path));
        var afin = settings.RootElement.GetProperty("Afin");
        foreach (var key in new[] { "ModelPath", "BatchSize", "SampleCount", "Seed", "MaxBatchDelayMilliseconds", "Mode", "ProposalDraws" })
        {
            Assert.IsTrue(afin.TryGetProperty(key, out _), $"appsettings.json lacks Afin:{key}");
        }
        Assert.AreEqual("Amortized", afin.GetProperty("Mode").GetString(), "the sample keeps the engine's default mode");
    }

    [TestMethod]
    public void SamplesReportAMissingModelFile()
    {
        var (exitCode, output) = Run("HostedWorker", "--model", TestModel.TempPath(".afin"));
        Assert.AreEqual(1, exitCode, output);
        StringAssert.Contains(output, "does not exist");
    }

    private static (int ExitCode, string Output) Run(string sample, params string[] arguments)
    {
        var result = DotnetCommand.Run(DotnetCommand.Host, Path.GetTempPath(), arguments.Prepend(SamplePath(sample)), timeoutSeconds: 120);
        return (result.ExitCode, result.All);
    }

    /// <summary>The sample built by the project reference (same configuration and target framework as this test project).</summary>
    private static string SamplePath(string sample)
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string framework = output.Name;
        string configuration = output.Parent!.Name;
        var root = output.Parent!.Parent!.Parent!.Parent!.Parent!;
        string path = Path.Combine(root.FullName, "samples", sample, "bin", configuration, framework, sample + ".dll");
        Assert.IsTrue(File.Exists(path), $"sample not built at {path}");
        return path;
    }
}
