using Afin.Modelling;
using Afin.Posteriors;

namespace Afin.Cli;

/// <summary>
/// Where a command reads problems and writes results: the result goes to standard output or to
/// --output, progress and messages to standard error. Output files are written only after the
/// command has succeeded, so a failed run never leaves a half-written file behind.
/// </summary>
internal sealed class CommandIO(TextWriter output, TextWriter error)
{
    internal TextWriter Output { get; } = output;

    internal TextWriter Error { get; } = error;

    internal static BayesianProblem ReadProblem(FileInfo? file) => ProblemJson.Load(ExistingFile(file, "--problem"));

    /// <summary>The path of a required input file; invalid input naming <paramref name="option"/> when it is missing.</summary>
    internal static string ExistingFile(FileInfo? file, string option)
    {
        if (file is null)
        {
            throw new InvalidInputException($"{option} is required");
        }
        if (!file.Exists)
        {
            throw new InvalidInputException($"{option}: file '{file.FullName}' does not exist");
        }
        return file.FullName;
    }

    internal void WriteResult(string text, FileInfo? destination)
    {
        if (destination is null)
        {
            Output.Write(text);
            return;
        }
        WriteFileAtomically(destination, writer => writer.Write(text));
    }

    internal void WriteSamples(double[,] draws, FileInfo destination) =>
        WriteFileAtomically(destination, writer => PosteriorJson.WriteSamplesCsv(writer, draws));

    private static void WriteFileAtomically(FileInfo destination, Action<TextWriter> write)
    {
        destination.Directory?.Create();
        string temporary = destination.FullName + ".tmp";
        using (var writer = new StreamWriter(temporary))
        {
            write(writer);
        }
        File.Move(temporary, destination.FullName, overwrite: true);
    }
}
