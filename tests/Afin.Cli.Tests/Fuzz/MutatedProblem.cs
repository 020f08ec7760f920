namespace Afin.Fuzzing;

/// <summary>One document made by <see cref="ProblemMutator"/>: the seed number that reproduces it, where it came from and what changed.</summary>
/// <param name="Seed">The number given to <see cref="ProblemMutator.Mutate"/>; the same number gives the same document.</param>
/// <param name="Source">The name of the valid problem it was made from.</param>
/// <param name="Kind">The kind of change.</param>
/// <param name="Description">The change in words, with the JSON path it touched, e.g. <c>ExtremeNumber at observations[0].x[3][1]: 0.2051 -> 1e300</c>.</param>
/// <param name="Json">The mutated document.</param>
internal sealed record MutatedProblem(int Seed, string Source, MutationKind Kind, string Description, string Json)
{
    /// <summary>Enough to reproduce and read a failure in a test message.</summary>
    public override string ToString() => $"seed {Seed} ({Source}): {Description}";
}
