namespace Afin.Cli.Tests;

/// <summary>Runs the afin command line in-process and captures its streams.</summary>
internal static class CliRunner
{
    internal static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = AfinCommandLine.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    internal static string Problem(string name) => Path.Combine(AppContext.BaseDirectory, "problems", name);

    internal static string TempFile(string extension) => Path.Combine(Path.GetTempPath(), $"afin-test-{Guid.NewGuid():N}{extension}");
}
