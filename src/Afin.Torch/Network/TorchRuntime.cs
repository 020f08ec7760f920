using System.Runtime.InteropServices;
using Afin.Platform;
using TorchSharp;

namespace Afin.Network;

/// <summary>
/// Process-wide settings of the native Torch runtime that results depend on.
/// </summary>
/// <remarks>
/// LibTorch's CPU build uses MKL, whose kernels pick code paths by memory alignment, so the same
/// computation can differ in the last bit from run to run. MKL's conditional numerical
/// reproducibility mode (MKL_CBWR=AUTO,STRICT) removes that, which is what makes "same seed, same
/// model" hold. MKL reads the variable when it first runs, so it must be set before any tensor
/// work; .NET's Environment.SetEnvironmentVariable does not reach the native environment on Unix,
/// hence setenv.
///
/// glibc serves allocations above a dynamic threshold (128 KiB at start) by fresh mmap and returns
/// them on free, so every forward pass whose tensors are megabytes page-faults them in anew: a
/// d = 16, N = 256 pass of the pooled network measured 54 ms that way and 7 ms with the memory kept
/// (afin bench latency). <see cref="KeepTensorMemory"/> raises the thresholds so freed tensor memory
/// is reused, as PyTorch users get from jemalloc or tcmalloc.
/// </remarks>
public static partial class TorchRuntime
{
    private static int _configured;

    /// <summary>
    /// Asks MKL for bitwise-reproducible results unless the user already chose a MKL_CBWR mode. Call
    /// before the first tensor operation of the process; AFIN's own entry points call it for you.
    /// </summary>
    public static void EnsureReproducible()
    {
        if (Interlocked.Exchange(ref _configured, 1) == 1 || Environment.GetEnvironmentVariable("MKL_CBWR") is not null)
        {
            return;
        }
        const string mode = "AUTO,STRICT";
        if (OperatingSystem.IsWindows())
        {
            Environment.SetEnvironmentVariable("MKL_CBWR", mode);
        }
        else
        {
            _ = SetEnvironment("MKL_CBWR", mode, 0);
            Environment.SetEnvironmentVariable("MKL_CBWR", mode);
        }
    }

    private static int _nativeLoaded;

    /// <summary>
    /// Loads TorchSharp's native backend now, so that a machine where it cannot load gets one clear message instead
    /// of a type-initializer failure at the first tensor. On Linux with an older libstdc++ (Debian 12, Ubuntu 22.04)
    /// Afin's run-time fix loads a patched copy when the build did not patch the output (docs/platform.md). AFIN's own
    /// entry points call it for you; it costs nothing after the first call.
    /// </summary>
    /// <exception cref="TorchSharpNativeLibraryException">The library does not load. When the cause is a libstdc++
    /// version Afin cannot work around, the message names it and the remedies; otherwise it is TorchSharp's own
    /// message followed by what Afin checked.</exception>
    public static void EnsureNativeLoaded()
    {
        if (Volatile.Read(ref _nativeLoaded) == 1)
        {
            return;
        }
        // MKL reads its reproducibility mode when it first runs, which loading the backend may be.
        EnsureReproducible();
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
        }
        catch (Exception e) when (e is TypeInitializationException or NotSupportedException or DllNotFoundException or TorchSharpNativeLibraryException)
        {
            throw TorchSharpNativeFix.Explain(e);
        }
        Volatile.Write(ref _nativeLoaded, 1);
    }

    /// <summary>
    /// <see cref="EnsureNativeLoaded"/>, then <paramref name="moduleName"/>: for a Module constructor's base call,
    /// which TorchSharp runs (and reaches native code in) before the constructor's body.
    /// </summary>
    internal static string NativeLoaded(string moduleName)
    {
        EnsureNativeLoaded();
        return moduleName;
    }

    private static int _allocatorTuned;

    /// <summary>
    /// On Linux with glibc, keeps freed blocks of up to 32 MiB in the heap (M_MMAP_THRESHOLD) and the heap's
    /// top up to 256 MiB (M_TRIM_THRESHOLD) instead of returning them to the system after every forward pass.
    /// Skipped when the user set MALLOC_MMAP_THRESHOLD_ or MALLOC_TRIM_THRESHOLD_, or on other systems.
    /// AFIN's own entry points call it for you.
    /// </summary>
    public static void KeepTensorMemory()
    {
        if (Interlocked.Exchange(ref _allocatorTuned, 1) == 1 || !OperatingSystem.IsLinux()
            || Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null
            || Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") is not null)
        {
            return;
        }
        const int trimThreshold = -1, mmapThreshold = -3;
        try
        {
            _ = MallocOption(mmapThreshold, 32 << 20);
            _ = MallocOption(trimThreshold, 256 << 20);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // Not glibc (e.g. musl): its allocator has no such knobs; nothing to tune.
        }
    }

    private static int _nnpackDisabled;

    /// <summary>
    /// Turns off LibTorch's NNPACK convolution backend. On CPUs it does not support, every eligible convolution (stride
    /// 1, batch of 16 or more) first tries to initialise it and prints "Could not initialize NNPACK! Reason: Unsupported
    /// hardware" to standard error, hundreds of times per training epoch of a CNN summary network; the other backends
    /// are used either way. LibTorch's setting is not exposed by TorchSharp, so its C++ entry points are called directly;
    /// where they cannot be found nothing changes but the noise.
    /// </summary>
    internal static void DisableNnpack()
    {
        if (Interlocked.Exchange(ref _nnpackDisabled, 1) == 1)
        {
            return;
        }
        try
        {
            SetUserEnabledNnpack(GlobalContext(), false);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // A LibTorch build with other symbols: convolutions still work, only the warnings remain.
        }
    }

    [LibraryImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    private static partial IntPtr GlobalContext();

    [LibraryImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    private static partial void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallocOption(int parameter, int value);

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnvironment(string name, string value, int overwrite);
}
