using System.Text.RegularExpressions;

namespace Afin.Fuzzing;

/// <summary>What the fuzz tests accept as the field a rejection names: a JSON path of the problem format.</summary>
internal static partial class FieldPath
{
    /// <summary>
    /// True for <c>(document)</c>, a top-level field (<c>d</c>, or an unknown name), <c>prior</c> or one of its fields
    /// with indices (<c>prior.precision[1][0]</c>), or <c>observations</c>, a block or one of its fields
    /// (<c>observations[0].x[3][1]</c>).
    /// </summary>
    internal static bool IsValid(string path) => Pattern().IsMatch(path);

    /// <summary>
    /// The path of an <c>error: invalid problem: PATH: why</c> line of the command line, or of an <c>error: PATH: why</c>
    /// line whose path is in the prior or the observations (the model's refusal of a family); null for any other line,
    /// so that <c>error: laplace: ...</c> does not pass for a top-level field named laplace.
    /// </summary>
    internal static string? InCliMessage(string error)
    {
        var match = CliMessage().Match(error);
        if (!match.Success)
        {
            return null;
        }
        string path = match.Groups["path"].Value;
        return match.Groups["invalid"].Success || path.StartsWith("prior", StringComparison.Ordinal) || path.StartsWith("observations", StringComparison.Ordinal)
            ? path
            : null;
    }

    [GeneratedRegex(@"^(\(document\)|[A-Za-z_][A-Za-z0-9_]*|prior(\.[A-Za-z_][A-Za-z0-9_]*(\[\d+\])*)?|observations(\[\d+\](\.[A-Za-z_][A-Za-z0-9_]*(\[\d+\])*)?)?)$")]
    private static partial Regex Pattern();

    [GeneratedRegex(@"^error: (?<invalid>invalid problem: )?(?<path>\S+?): \S", RegexOptions.Multiline)]
    private static partial Regex CliMessage();
}
