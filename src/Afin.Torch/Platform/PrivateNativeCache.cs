using System.Runtime.Versioning;
using System.Security.Cryptography;

namespace Afin.Platform;

/// <summary>
/// A per-user cache of native files that Afin writes and then loads into the process, so it must never load a
/// file somebody else could have written or swapped: every directory it creates or reuses is made private to the
/// user (mode 0700, which only the owner can set), the file is written under a temporary name and renamed into
/// place (atomic, and harmless when several processes race to write the same bytes), and its SHA-256 is checked
/// again just before it is handed to the loader.
/// </summary>
[SupportedOSPlatform("linux")]
internal static class PrivateNativeCache
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// Stores <paramref name="contents"/> as <paramref name="fileName"/> under the user's cache, in a folder named
    /// by <paramref name="key"/>, and returns the path of the verified copy. When the cache cannot be written, a
    /// fresh private folder under the temporary directory is used instead.
    /// </summary>
    /// <exception cref="TorchSharpNativeLibraryException">Neither place could be written; the message lists both.</exception>
    public static string Store(string key, string fileName, byte[] contents)
    {
        byte[] expectedHash = SHA256.HashData(contents);
        var tried = new List<string>();
        string? cacheRoot = UserCacheRoot();
        if (cacheRoot is not null)
        {
            string folder = Path.Combine(cacheRoot, "afin", "torchsharp-native", key);
            try
            {
                EnsurePrivate(cacheRoot, folder);
                return WriteVerified(folder, fileName, contents, expectedHash);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                tried.Add($"{folder} ({e.Message})");
            }
        }
        else
        {
            tried.Add("the user cache (neither XDG_CACHE_HOME nor HOME is set to an absolute path)");
        }

        string? fresh = null;
        try
        {
            // mkdtemp: a new folder that only this user can enter, so no one can have planted a file in it.
            fresh = Directory.CreateTempSubdirectory("afin-torchsharp-").FullName;
            return WriteVerified(fresh, fileName, contents, expectedHash);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            tried.Add($"{fresh ?? Path.Combine(Path.GetTempPath(), "afin-torchsharp-*")} ({e.Message})");
        }
        throw new TorchSharpNativeLibraryException(
            $"Could not write a private copy of {fileName}; tried {string.Join("; then ", tried)}. " +
            "Make XDG_CACHE_HOME (or HOME/.cache) or TMPDIR writable, or build the app with the Afin package so its build output is patched.");
    }

    /// <summary>$XDG_CACHE_HOME when it is an absolute path, otherwise $HOME/.cache (the XDG convention).</summary>
    private static string? UserCacheRoot()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg))
        {
            return xdg;
        }
        string? home = Environment.GetEnvironmentVariable("HOME");
        return !string.IsNullOrEmpty(home) && Path.IsPathRooted(home) ? Path.Combine(home, ".cache") : null;
    }

    /// <summary>
    /// Creates <paramref name="folder"/> and the folders between it and <paramref name="root"/>, and sets each to
    /// 0700. Setting the mode fails for anyone but the owner, which is how a folder that belongs to somebody else
    /// is refused; a symbolic link is refused too, since it could point anywhere.
    /// </summary>
    private static void EnsurePrivate(string root, string folder)
    {
        Directory.CreateDirectory(root);
        string current = root;
        foreach (string part in Path.GetRelativePath(root, folder).Split(Path.DirectorySeparatorChar))
        {
            current = Path.Combine(current, part);
            var info = Directory.CreateDirectory(current, OwnerOnly);
            if (info.LinkTarget is not null)
            {
                throw new IOException($"{current} is a symbolic link; a private cache folder must be a real folder");
            }
            File.SetUnixFileMode(current, OwnerOnly);
        }
    }

    private static string WriteVerified(string folder, string fileName, byte[] contents, byte[] expectedHash)
    {
        string path = Path.Combine(folder, fileName);
        if (!HasHash(path, expectedHash))
        {
            string temp = Path.Combine(folder, $".{fileName}.{Guid.NewGuid():N}.tmp");
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnly };
                using (var stream = new FileStream(temp, options))
                {
                    stream.Write(contents);
                    stream.Flush(flushToDisk: true);
                }
                // rename(2) replaces the name atomically: a racing process sees the old file or the new one, never half.
                File.Move(temp, path, overwrite: true);
            }
            finally
            {
                File.Delete(temp);
            }
        }
        if (!HasHash(path, expectedHash))
        {
            throw new IOException($"{path} changed after it was written (its SHA-256 is not that of the patched copy)");
        }
        return path;
    }

    private static bool HasHash(string path, byte[] expectedHash)
    {
        if (!File.Exists(path))
        {
            return false;
        }
        using var stream = File.OpenRead(path);
        return SHA256.HashData(stream).AsSpan().SequenceEqual(expectedHash);
    }
}
