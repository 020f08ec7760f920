namespace Afin.Cli.Plotting;

/// <summary>Writes a picture the way <see cref="CommandIO"/> writes results: whole or not at all.</summary>
internal static class PngFile
{
    /// <summary>Writes to a temporary file beside the destination and renames it over the destination.</summary>
    internal static void Write(FileInfo destination, byte[] png)
    {
        destination.Directory?.Create();
        string temporary = destination.FullName + ".tmp";
        File.WriteAllBytes(temporary, png);
        File.Move(temporary, destination.FullName, overwrite: true);
    }
}
