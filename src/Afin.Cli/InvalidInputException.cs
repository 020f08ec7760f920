namespace Afin.Cli;

/// <summary>A user error in the command's inputs (a missing file, an out-of-range option); exit code 2.</summary>
internal sealed class InvalidInputException(string message) : Exception(message);
