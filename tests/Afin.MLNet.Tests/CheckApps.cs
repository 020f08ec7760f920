namespace Afin.MLNet.Tests;

/// <summary>The small apps under tests/ that these tests run as separate processes, built beside this project.</summary>
internal static class CheckApps
{
    /// <summary>The main assembly of the check app <paramref name="name"/> (same configuration and target framework as these tests).</summary>
    internal static string Path(string name)
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(System.IO.Path.DirectorySeparatorChar));
        string framework = output.Name;
        string configuration = output.Parent!.Name;
        var tests = output.Parent!.Parent!.Parent!.Parent!;
        string path = System.IO.Path.Combine(tests.FullName, name, "bin", configuration, framework, name + ".dll");
        Assert.IsTrue(File.Exists(path), $"check app {name} not built at {path}");
        return path;
    }

    /// <summary>Runs <paramref name="assembly"/> with <paramref name="arguments"/>; fails the test when it does not end within the timeout.</summary>
    internal static (int ExitCode, string Output, string Error) Run(string assembly, IEnumerable<string> arguments, int timeoutMilliseconds = 120_000)
    {
        var result = DotnetCommand.Run(DotnetCommand.Host, Environment.CurrentDirectory, arguments.Prepend(assembly), timeoutMilliseconds / 1000);
        return (result.ExitCode, result.StandardOutput, result.StandardError);
    }
}
