namespace Afin.Modelling;

/// <summary>
/// The likelihood families whose linear predictor takes a known offset, eta = x · z + o: the logit and Poisson families,
/// whose labels and counts cannot absorb it (a Gaussian or Student-t user subtracts it from y instead).
/// </summary>
public static class OffsetFamilies
{
    /// <summary>The family names, as in the JSON format: <c>bernoulli_logit</c>, <c>binomial_logit</c>, <c>poisson_log</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["bernoulli_logit", "binomial_logit", "poisson_log"];

    /// <summary>Whether observations of <paramref name="family"/> take an offset.</summary>
    /// <param name="family">A likelihood family name, e.g. <c>poisson_log</c>; null takes none.</param>
    public static bool Contains(string? family) => family is not null && Names.Contains(family);

    /// <summary>The names in words for messages: "bernoulli_logit, binomial_logit and poisson_log".</summary>
    public static string InWords { get; } = $"{string.Join(", ", Names.Take(Names.Count - 1))} and {Names[^1]}";
}
