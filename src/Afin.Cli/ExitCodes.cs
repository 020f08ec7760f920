namespace Afin.Cli;

/// <summary>The exit codes of the interchange contract.</summary>
internal static class ExitCodes
{
    internal const int Success = 0;
    internal const int Failure = 1;
    internal const int InvalidInput = 2;
}
