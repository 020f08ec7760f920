using System.Runtime.InteropServices;

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

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnvironment(string name, string value, int overwrite);
}
