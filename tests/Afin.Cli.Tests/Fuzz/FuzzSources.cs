namespace Afin.Fuzzing;

/// <summary>The valid problems the fuzz tests mutate: the sample problems, plus conjugate ones that exercise what the samples leave out.</summary>
internal static class FuzzSources
{
    /// <summary>
    /// A conjugate problem with a full-rank Gaussian prior and a direct Gaussian block: the samples hold one conjugate
    /// problem only (a diagonal prior, one linear block), and <c>afin exact</c> rejects every other sample unread.
    /// </summary>
    internal const string FullRankConjugate = """
        {
          "name": "conjugate: full-rank prior, linear and direct Gaussian blocks, d=3",
          "prior": { "family": "full_rank_gaussian", "loc": [0.5, 0, -0.5], "precision": [[2, 0.3, 0], [0.3, 1, 0.2], [0, 0.2, 1.5]] },
          "observations": [
            { "family": "linear_gaussian", "x": [[1, 0.5, -0.2], [0.3, -1.2, 0.8], [-0.7, 0.1, 1.1], [0.2, 0.9, -0.4]], "y": [0.4, -1.1, 0.7, 0.3], "sigma": [0.5, 0.5, 0.8, 1.2] },
            { "family": "direct_gaussian", "y": [[0.2, -0.1, 0.4], [0.6, 0.0, -0.3]], "sigma": 2 }
          ]
        }
        """;

    /// <summary>Every sample problem in <paramref name="folder"/> (by file name) and <see cref="FullRankConjugate"/>.</summary>
    internal static IReadOnlyList<(string Name, string Json)> Load(string folder)
    {
        var sources = Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal)
            .Select(path => (Path.GetFileName(path), File.ReadAllText(path))).ToList();
        if (sources.Count == 0)
        {
            throw new InvalidOperationException($"no sample problems in {folder}");
        }
        sources.Add(("full-rank-conjugate (inline)", FullRankConjugate));
        return sources;
    }
}
