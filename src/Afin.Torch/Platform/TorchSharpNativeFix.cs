using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Afin.Platform;

/// <summary>
/// The run-time half of the fix for TorchSharp's native library on Linux distributions whose libstdc++ is older
/// than the one TorchSharp was linked against (Debian 12, Ubuntu 22.04; see docs/platform.md). The build-time half
/// (build/TorchSharpNativeFix.targets) patches the build output; this catches everything the build did not see:
/// an app published on a newer machine and copied to an older one, a notebook, a test runner that shadow-copies.
/// </summary>
/// <remarks>
/// When Afin's assembly is loaded it registers a native-library resolver for TorchSharp's assembly; nothing is
/// loaded then. On TorchSharp's first request for LibTorchSharp the resolver does the regular load. Only if that
/// fails because a GLIBCXX version is missing, and only if every symbol bound to that version is the never-called
/// marker <c>std::ios_base_library_init()</c>, it writes a copy of the file with that requirement marked weak into
/// a private per-user cache (<see cref="PrivateNativeCache"/>), loads the copy's dependencies from the original
/// folder (the copy's $ORIGIN is the cache), loads the copy and says so in one line on standard error. Setting the
/// environment variable AFIN_TORCHSHARP_NATIVE_FIX=false turns all of this off.
/// </remarks>
internal static partial class TorchSharpNativeFix
{
    internal const string LibraryName = "LibTorchSharp";
    internal const string OptOutVariable = "AFIN_TORCHSHARP_NATIVE_FIX";
    private const string AllowedSymbol = "_ZSt21ios_base_library_initv";

    private static readonly Lock Gate = new();
    private static bool _resolved;
    private static IntPtr _handle;

    [ThreadStatic]
    private static bool _probing;

    /// <summary>What the resolver found when the library did not load; null while it loaded or was not asked.</summary>
    internal static string? Diagnosis { get; private set; }

    /// <summary>Set when the failure was the libstdc++ requirement but the fix could not be applied.</summary>
    internal static TorchSharpNativeLibraryException? Unfixable { get; private set; }

    /// <summary>The path of the patched copy that was loaded, if one was.</summary>
    internal static string? PatchedCopy { get; private set; }

    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries",
        Justification = "The resolver must be in place before TorchSharp's first native call, whichever Afin type the app touches first; registering it loads nothing.")]
    internal static void Register()
    {
        if (!OperatingSystem.IsLinux() || string.Equals(Environment.GetEnvironmentVariable(OptOutVariable), "false", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        Install();
    }

    [SupportedOSPlatform("linux")]
    private static void Install()
    {
        var torchSharp = typeof(TorchSharp.torch).Assembly;
        try
        {
            // P/Invokes ask the resolver first; TorchSharp's own NativeLibrary.TryLoad(name, assembly) never does, and
            // raises the load context's event only after the regular search failed. Both lead to the same answer.
            NativeLibrary.SetDllImportResolver(torchSharp, Resolve);
            (AssemblyLoadContext.GetLoadContext(torchSharp) ?? AssemblyLoadContext.Default).ResolvingUnmanagedDll +=
                (assembly, name) => assembly == torchSharp ? Resolve(name, assembly, null) : IntPtr.Zero;
        }
        catch (InvalidOperationException)
        {
            // The app registered its own resolver for TorchSharp: it has taken charge of loading, so stay out.
        }
    }

    [SupportedOSPlatform("linux")]
    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != LibraryName || _probing)
        {
            return IntPtr.Zero;   // anything else, or our own probe below: the runtime's regular search
        }
        lock (Gate)
        {
            if (!_resolved)
            {
                _handle = ResolveOnce(assembly, searchPath);
                _resolved = true;
            }
            if (Unfixable is not null)
            {
                throw Unfixable;
            }
            return _handle;
        }
    }

    [SupportedOSPlatform("linux")]
    private static IntPtr ResolveOnce(Assembly assembly, DllImportSearchPath? searchPath)
    {
        string error;
        _probing = true;
        try
        {
            return NativeLibrary.Load(LibraryName, assembly, searchPath);
        }
        catch (DllNotFoundException e)
        {
            error = e.Message;
        }
        finally
        {
            _probing = false;
        }

        var missing = MissingVersion().Matches(error)
            .Where(m => m.Groups["by"].Value.EndsWith("/libLibTorchSharp.so", StringComparison.Ordinal))
            .ToList();
        if (missing.Count == 0)
        {
            Diagnosis = "Afin checked why libLibTorchSharp.so did not load and found no missing libstdc++ (GLIBCXX) version, " +
                        "the one problem it can fix, so it changed nothing; the loader said: " + FirstLine(error);
            return IntPtr.Zero;
        }
        var versions = missing.Select(m => m.Groups["version"].Value).Distinct().ToList();
        try
        {
            return LoadPatchedCopy(missing[0].Groups["by"].Value, versions);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or DllNotFoundException or BadImageFormatException)
        {
            Unfixable = new TorchSharpNativeLibraryException(
                $"libLibTorchSharp.so needs {string.Join(", ", versions)}, which this machine's libstdc++ lacks, " +
                $"and Afin could not load a patched copy: {e.Message}", e);
            return IntPtr.Zero;
        }
        catch (TorchSharpNativeLibraryException e)
        {
            Unfixable = e;
            return IntPtr.Zero;
        }
    }

    [SupportedOSPlatform("linux")]
    private static IntPtr LoadPatchedCopy(string original, List<string> missingVersions)
    {
        byte[] bytes = File.ReadAllBytes(original);
        var elf = ElfImage.TryParse(bytes) ?? throw new InvalidDataException($"{original} is not a 64-bit little-endian ELF file");
        var plan = ElfWeakeningPlan.For(elf, missingVersions, [AllowedSymbol]);
        var covered = plan.Found.Select(need => need.Version).ToHashSet();
        if (plan.IsBlocked || !missingVersions.All(covered.Contains))
        {
            throw new TorchSharpNativeLibraryException(CannotFixMessage(original, missingVersions, plan));
        }
        string key = Convert.ToHexStringLower(SHA256.HashData(bytes));
        plan.ApplyTo(bytes);

        // The copy's RUNPATH is $ORIGIN, now the cache: its dependencies must already be in the process, and the
        // loader matches a needed name against the sonames of loaded libraries.
        string folder = Path.GetDirectoryName(original)!;
        foreach (string needed in elf.NeededLibraries())
        {
            string candidate = Path.Combine(folder, needed);
            if (File.Exists(candidate))
            {
                NativeLibrary.Load(candidate);
            }
        }
        string copy = PrivateNativeCache.Store(key, Path.GetFileName(original), bytes);
        IntPtr handle = NativeLibrary.Load(copy);
        PatchedCopy = copy;
        Console.Error.WriteLine(
            $"Afin: {original} needs {string.Join(", ", missingVersions)}, which this machine's libstdc++ lacks, for a marker that is never called; " +
            $"loaded a copy with that requirement marked weak from {copy}.");
        return handle;
    }

    /// <summary>
    /// The exception for a failed load of TorchSharp: the unfixable-libstdc++ message when that was the cause,
    /// otherwise TorchSharp's own message followed by one sentence of what Afin checked.
    /// </summary>
    internal static TorchSharpNativeLibraryException Explain(Exception failure)
    {
        if (!AppHasLibTorch())
        {
            return new TorchSharpNativeLibraryException(AbsentMessage(failure), failure);
        }
        if (Unfixable is { } unfixable)
        {
            return new TorchSharpNativeLibraryException(unfixable.Message, failure);
        }
        string checkedText = Diagnosis ?? (_resolved
            ? "Afin checked that libLibTorchSharp.so itself loads; the failure came later."
            : $"Afin's resolver for TorchSharp was not asked for {LibraryName} (another resolver is registered, or {OptOutVariable}=false), so Afin checked nothing.");
        return new TorchSharpNativeLibraryException(TorchSharpMessage(failure).TrimEnd() + Environment.NewLine + checkedText, failure);
    }

    /// <summary>
    /// Whether libtorch's own library (torch_cpu or torch_cuda, not TorchSharp's binding) lies where a build deploys
    /// native files: the app's folder or its runtimes/ tree. None means the app was built without libtorch, as an app
    /// that only infers may be. (TorchSharp's last-resort copy from the NuGet cache into a cpu/ subfolder does not count.)
    /// </summary>
    internal static bool AppHasLibTorch(string? folder = null)
    {
        string root = folder ?? AppContext.BaseDirectory;
        string runtimes = Path.Combine(root, "runtimes");
        return new[] { "*torch_cpu.*", "*torch_cuda.*" }.Any(pattern =>
            (Directory.Exists(root) && Directory.EnumerateFiles(root, pattern).Any())
            || (Directory.Exists(runtimes) && Directory.EnumerateFiles(runtimes, pattern, SearchOption.AllDirectories).Any()));
    }

    internal static string AbsentMessage(Exception failure) =>
        "libtorch, TorchSharp's native backend, is not part of this app, so it cannot train or fine-tune networks: add the package " +
        "TorchSharp-cpu (or TorchSharp-cuda-linux for a GPU) to the app. Inference needs no libtorch: AfinModel.Infer, the inference " +
        "modes, the ML.NET transformer and the DI engine run on the managed engine. TorchSharp said: " + FirstSentence(TorchSharpMessage(failure));

    private static string FirstSentence(string text)
    {
        string line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? text;
        return line.EndsWith('.') ? line : line + ".";
    }

    /// <summary>TorchSharp's own message, from inside the type-initializer exception it arrives in.</summary>
    internal static string TorchSharpMessage(Exception failure) =>
        failure is TypeInitializationException { InnerException: { } inner } ? inner.Message : failure.Message;

    internal static string CannotFixMessage(string original, List<string> missingVersions, ElfWeakeningPlan plan)
    {
        string versions = string.Join(", ", missingVersions);
        string why = plan.IsBlocked
            ? $"it calls '{plan.BlockingSymbol}' through {plan.BlockingVersion}, so marking the requirement weak would only move the failure to the first call"
            : "the requirement is not in its version-needs table as Afin expects";
        return $"TorchSharp's native library {original} needs {versions}, which this machine's libstdc++ lacks, and Afin cannot fix that: {why}. " +
               $"Remedies: run on a system whose libstdc++ provides {versions} (GCC 13's or newer), or set the MSBuild property " +
               $"AfinTorchSharpNativeFix=false (and the environment variable {OptOutVariable}=false) to opt out of Afin's fix and supply a TorchSharp native build that matches this machine.";
    }

    private static string FirstLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // .NET's message starts with generic advice; the loader's own lines (one per path tried) follow it.
        return lines.Length > 1 ? string.Join(" | ", lines.Skip(1)) : text;
    }

    [GeneratedRegex(@"version `(?<version>GLIBCXX_[0-9.]+)' not found \(required by (?<by>[^)]+)\)")]
    private static partial Regex MissingVersion();
}
