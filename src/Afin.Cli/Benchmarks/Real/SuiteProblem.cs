using Afin.Modelling;

namespace Afin.Cli.Benchmarks.Real;

/// <summary>One problem of the realistic suite: its name, kind, d bucket and the problem itself.</summary>
/// <param name="Name">Unique within the suite, <c>kind-dD-nN</c> (e.g. <c>logistic-imbalanced-d8-n200</c>).</param>
/// <param name="Kind">The kind it was generated from.</param>
/// <param name="Problem">The validated problem.</param>
internal sealed record SuiteProblem(string Name, string Kind, BayesianProblem Problem)
{
    private string? _hash;

    /// <summary>The bucket of its dimension (see <see cref="DimensionBucket"/>).</summary>
    public string Bucket => DimensionBucket(Problem.Dimension);

    /// <summary>The SHA-256 of the problem's canonical JSON (see <see cref="ProblemHash"/>), computed once.</summary>
    public string Hash => _hash ??= ProblemHash.Of(Problem);

    /// <summary>The d bucket a problem is reported in: d 1-8, 9-16, 17-32 (the training ranges' scale) and beyond.</summary>
    internal static string DimensionBucket(int d) => d switch
    {
        <= 8 => "d 1-8",
        <= 16 => "d 9-16",
        <= 32 => "d 17-32",
        _ => "d 33+",
    };
}
