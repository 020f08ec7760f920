using System.Diagnostics;

namespace Afin.TestSupport;

/// <summary>
/// Runs the dotnet host (or another program) as a child process and collects what it printed: the one process runner of
/// the test projects (linked into each that starts apps, samples or builds).
/// </summary>
internal static class DotnetCommand
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError)
    {
        public string All => StandardOutput + StandardError;
    }

    public static string Host =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>Runs <paramref name="program"/> in <paramref name="workingDirectory"/>; fails the test past the timeout.</summary>
    public static Result Run(string program, string workingDirectory, IEnumerable<string> arguments, int timeoutSeconds,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // A child build must not join the test run's MSBuild nodes or inherit its test-host settings.
        start.Environment["MSBUILDNOINPROCNODE"] = null;
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";   // leave no build servers behind when the test run ends
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeoutSeconds * 1000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', arguments)} did not finish within {timeoutSeconds} s:\n{stdout.Result}{stderr.Result}");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    public static Result Dotnet(string workingDirectory, int timeoutSeconds, params string[] arguments) =>
        Run(Host, workingDirectory, arguments, timeoutSeconds);
}
