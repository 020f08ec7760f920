namespace Afin.Modelling;

/// <summary>
/// Thrown when a <see cref="BayesianProblem"/> (or its JSON form) is invalid. The message names the
/// place (prior or observation block index), the field and what was expected.
/// </summary>
public sealed class ProblemValidationException : ArgumentException
{
    /// <summary>Creates the exception for a field path such as <c>observations[1].y[3]</c>.</summary>
    /// <param name="path">Where the problem is, e.g. <c>prior.scale[2]</c>.</param>
    /// <param name="expectation">What was expected and what was found.</param>
    public ProblemValidationException(string path, string expectation)
        : base($"{path}: {expectation}")
    {
        Path = path;
    }

    /// <summary>The location of the invalid value, e.g. <c>observations[0].sigma</c>.</summary>
    public string Path { get; }
}
