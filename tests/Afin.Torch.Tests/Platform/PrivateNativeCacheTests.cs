using System.Security.Cryptography;
using Afin.Platform;

namespace Afin.Tests.Platform;

/// <summary>
/// The per-user cache the run-time fix loads its patched copy from: private folders, the right bytes, a tampered copy
/// replaced, and a fresh private temporary folder when the cache cannot be written.
/// </summary>
[TestClass]
[DoNotParallelize]   // sets XDG_CACHE_HOME for the process
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PrivateNativeCacheTests
{
    private static readonly byte[] Contents = [1, 2, 3, 4, 5];

    [TestMethod]
    public void StoresInPrivateFoldersUnderTheUserCache()
    {
        RequireLinux();
        string root = Directory.CreateTempSubdirectory("afin-cache-test-").FullName;
        try
        {
            string path = WithCacheHome(root, () => PrivateNativeCache.Store("key1", "lib.so", Contents));

            Assert.AreEqual(Path.Combine(root, "afin", "torchsharp-native", "key1", "lib.so"), path);
            CollectionAssert.AreEqual(Contents, File.ReadAllBytes(path));
            foreach (string folder in new[] { "afin", "afin/torchsharp-native", "afin/torchsharp-native/key1" })
            {
                Assert.AreEqual(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(root, folder)), folder);
            }
            Assert.IsEmpty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"), "no temporary file is left behind");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [TestMethod]
    public void ReplacesATamperedCopyAndTightensAWideOpenFolder()
    {
        RequireLinux();
        string root = Directory.CreateTempSubdirectory("afin-cache-test-").FullName;
        try
        {
            string folder = Path.Combine(root, "afin", "torchsharp-native", "key2");
            Directory.CreateDirectory(folder);
            File.SetUnixFileMode(folder, (UnixFileMode)0b111_111_111);
            File.WriteAllBytes(Path.Combine(folder, "lib.so"), [9, 9, 9]);

            string path = WithCacheHome(root, () => PrivateNativeCache.Store("key2", "lib.so", Contents));

            CollectionAssert.AreEqual(Contents, File.ReadAllBytes(path));
            CollectionAssert.AreEqual(SHA256.HashData(Contents), SHA256.HashData(File.ReadAllBytes(path)));
            Assert.AreEqual(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [TestMethod]
    public void FallsBackToAFreshPrivateTemporaryFolder()
    {
        RequireLinux();
        string blocker = Path.GetTempFileName();   // a file where the cache folder would have to be
        try
        {
            string path = WithCacheHome(blocker, () => PrivateNativeCache.Store("key3", "lib.so", Contents));

            Assert.StartsWith(Path.GetTempPath(), path);
            StringAssert.Contains(path, "afin-torchsharp-");
            CollectionAssert.AreEqual(Contents, File.ReadAllBytes(path));
            Assert.AreEqual(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
        finally
        {
            File.Delete(blocker);
        }
    }

    [TestMethod]
    public void NamesEveryPathTriedWhenNothingCanBeWritten()
    {
        RequireLinux();
        string blocker = Path.GetTempFileName();
        string? savedTemp = Environment.GetEnvironmentVariable("TMPDIR");
        Environment.SetEnvironmentVariable("TMPDIR", blocker);   // the temporary folder is a file too
        try
        {
            var error = Assert.ThrowsExactly<TorchSharpNativeLibraryException>(
                () => WithCacheHome(blocker, () => PrivateNativeCache.Store("key4", "lib.so", Contents)));

            StringAssert.Contains(error.Message, Path.Combine(blocker, "afin", "torchsharp-native", "key4"));
            StringAssert.Contains(error.Message, Path.Combine(blocker, "afin-torchsharp-"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("TMPDIR", savedTemp);
            File.Delete(blocker);
        }
    }

    private static void RequireLinux()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("The private cache is the Linux run-time fix's.");
        }
    }

    private static string WithCacheHome(string cacheHome, Func<string> action)
    {
        string? saved = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        Environment.SetEnvironmentVariable("XDG_CACHE_HOME", cacheHome);
        try
        {
            return action();
        }
        finally
        {
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", saved);
        }
    }
}
