namespace Afin.Persistence;

/// <summary>
/// Writes a file through a temporary sibling and a rename, so a failed or interrupted write (Ctrl+C during a
/// checkpoint, a full disk) leaves any previous file intact instead of a truncated one.
/// </summary>
internal static class AtomicFile
{
    internal static void Write(string path, Action<Stream> write)
    {
        string temporary = path + ".tmp";
        using (var file = File.Create(temporary))
        {
            write(file);
        }
        File.Move(temporary, path, overwrite: true);
    }
}
