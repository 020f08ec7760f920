namespace Afin.Platform;

/// <summary>
/// TorchSharp's native library (libLibTorchSharp) could not be loaded. The message says what Afin checked and,
/// where Afin knows it, what to do; <see cref="Exception.InnerException"/> keeps TorchSharp's own exception.
/// </summary>
public sealed class TorchSharpNativeLibraryException : Exception
{
    /// <summary>Creates the exception with its message.</summary>
    public TorchSharpNativeLibraryException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and the exception that caused it.</summary>
    public TorchSharpNativeLibraryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
