using Afin.Training;

namespace Afin.Cli.Benchmarks.Real;

/// <summary>The realistic suite's problems with their committed references, as a trainer's reference problems.</summary>
internal static class SuiteReferenceProblems
{
    /// <summary>Every suite problem with its reference from <paramref name="referencesPath"/>.</summary>
    /// <exception cref="InvalidInputException">A problem has no current reference (the message names it).</exception>
    internal static IReadOnlyList<ReferenceProblem> Load(string referencesPath)
    {
        var set = ReferenceStore.Load(referencesPath);
        return RealisticSuite.Generate(RealisticSuite.LoadDescription(null))
            .Select(p =>
            {
                var reference = ReferenceStore.Require(set, p, Path.GetFileName(referencesPath));
                return new ReferenceProblem(p.Name, p.Problem, reference.Mean, reference.CovarianceMatrix());
            })
            .ToArray();
    }
}
