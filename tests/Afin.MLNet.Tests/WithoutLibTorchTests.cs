namespace Afin.MLNet.Tests;

/// <summary>
/// An app built without libtorch (tests/Afin.WithoutLibTorch.Check) answers problems through every inference path
/// without loading TorchSharp's native library, and fine-tuning tells it what it lacks.
/// </summary>
[TestClass]
public sealed class WithoutLibTorchTests
{
    [TestMethod]
    public void InferenceOnlyAppHasNoLibTorchNeverLoadsItAndFineTuningSaysWhatIsMissing()
    {
        // A copy, so TorchSharp's last-resort copying of libtorch from the NuGet cache (on the fine-tuning attempt) stays out of the build output.
        string app = Path.Combine(Path.GetTempPath(), $"afin-mlnet-without-libtorch-{Guid.NewGuid():N}");
        CopyFolder(Path.GetDirectoryName(CheckApps.Path("Afin.WithoutLibTorch.Check"))!, app);
        try
        {
            var libtorch = Directory.EnumerateFiles(app, "*", SearchOption.AllDirectories)
                .Select(Path.GetFileName)
                .Where(name => name!.Contains("torch_cpu", StringComparison.OrdinalIgnoreCase) || name.StartsWith("libc10", StringComparison.Ordinal)
                    || name.StartsWith("libtorch", StringComparison.Ordinal))
                .ToArray();
            Assert.IsEmpty(libtorch, $"libtorch files in the app's output: {string.Join(", ", libtorch)}");
            var problems = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "problems"), "*.json").Order().ToArray();
            Assert.IsGreaterThanOrEqualTo(4, problems.Length);

            var (exitCode, output, error) = CheckApps.Run(Path.Combine(app, "Afin.WithoutLibTorch.Check.dll"), problems);

            Assert.AreEqual(0, exitCode, output + error);
            var lines = output.Split('\n', StringSplitOptions.TrimEntries);
            Assert.HasCount(2 * problems.Length, lines.Where(l => l.StartsWith("problem ", StringComparison.Ordinal) && l.Contains(": mean[0] ", StringComparison.Ordinal)).ToArray(), output);
            CollectionAssert.Contains(lines, "ML.NET transformer: 6 posteriors", output);
            Assert.IsTrue(lines.Any(l => l.StartsWith("DI engine: mean[0] ", StringComparison.Ordinal)), output);
            CollectionAssert.Contains(lines, "TorchSharp managed assembly loaded: False", output);
            CollectionAssert.Contains(lines, "native torch libraries mapped: none", output);
            string fineTuning = lines.Single(l => l.StartsWith("fine-tuning: ", StringComparison.Ordinal));
            StringAssert.StartsWith(fineTuning, "fine-tuning: InvalidOperationException: AfinPosterior: FineTuneSteps = 5 asks for fine-tuning");
            StringAssert.Contains(fineTuning, "libtorch, TorchSharp's native backend, is not part of this app");
            StringAssert.Contains(fineTuning, "add the package TorchSharp-cpu");
        }
        finally
        {
            Directory.Delete(app, recursive: true);
        }
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
