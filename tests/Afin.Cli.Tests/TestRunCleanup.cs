namespace Afin.Cli.Tests;

/// <summary>Leaves the temporary folder as the run found it.</summary>
[TestClass]
public static class TestRunCleanup
{
    [AssemblyCleanup]
    public static void DeleteTemporaryFiles() => CliRunner.DeleteTempFiles();
}
