namespace Afin.Cli.Benchmarks.Real;

/// <summary>One method on one problem: its scores against the reference and its in-process time, or why it failed.</summary>
/// <param name="Problem">The problem's name.</param>
/// <param name="Kind">The problem's kind.</param>
/// <param name="Bucket">The problem's d bucket.</param>
/// <param name="D">The dimension.</param>
/// <param name="N">The number of observations.</param>
/// <param name="Method">The method's name.</param>
/// <param name="MethodKind">Which of the five methods.</param>
/// <param name="Scores">The scores, or null when the method failed.</param>
/// <param name="Milliseconds">Wall time of the method on this problem.</param>
/// <param name="Converged">The method's own verdict (Laplace's optimiser, NUTS's R-hat); true for the others.</param>
/// <param name="Path">What a choosing method did (auto: Exact, Amortized, ImportanceSampling/PROPOSAL or Nuts); null otherwise.</param>
/// <param name="Error">Why the method failed, or null.</param>
/// <param name="Flagged">Amortized: whether the answer was flagged (<see cref="Afin.Inference.InferenceOutcome.Flagged"/>); null otherwise.</param>
internal sealed record RealBenchResult(string Problem, string Kind, string Bucket, int D, int N, string Method, string MethodKind,
    RealScores? Scores, double Milliseconds, bool Converged, string? Path, string? Error, bool? Flagged = null);
