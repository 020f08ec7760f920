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

    /// <summary>A committed model file of the repository (under <c>models/</c>), read in place.</summary>
    internal static string RepositoryModel(string name)
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Afin.MLNet.sln")))
        {
            folder = folder.Parent;
        }
        return Path.Combine(folder?.FullName ?? throw new InvalidOperationException("the repository root (Afin.MLNet.sln) is not above the test binaries"), "models", name);
    }

    private static readonly System.Collections.Concurrent.ConcurrentBag<string> TempFiles = [];

    /// <summary>A fresh path in the temporary folder; whatever is written there is deleted when the test run ends.</summary>
    internal static string TempFile(string extension)
    {
        string path = Path.Combine(Path.GetTempPath(), $"afin-test-{Guid.NewGuid():N}{extension}");
        TempFiles.Add(path);
        return path;
    }

    /// <summary>Deletes every file <see cref="TempFile"/> handed out (tests that fail midway leave theirs too).</summary>
    internal static void DeleteTempFiles()
    {
        foreach (string path in TempFiles)
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
            else
            {
                File.Delete(path);
            }
        }
    }
}
