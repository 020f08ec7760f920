using Afin.Laplace;

namespace Afin.Cli.Commands;

/// <summary>
/// The diagnostics of a Laplace approximation in the posterior JSON, the same whether <c>afin laplace</c> or
/// <c>afin infer --mode laplace</c> wrote them.
/// </summary>
internal static class LaplaceReport
{
    /// <summary>The --curvature names, in the order of <see cref="LaplaceCurvature"/>.</summary>
    internal static readonly IReadOnlyList<string> CurvatureNames = ["auto", "observed", "expected"];

    /// <summary>Reads a --curvature value (case-insensitive).</summary>
    /// <exception cref="InvalidInputException">The value is not a curvature.</exception>
    internal static LaplaceCurvature ParseCurvature(string? value)
    {
        int index = CurvatureNames.ToList().FindIndex(name => string.Equals(name, value, StringComparison.OrdinalIgnoreCase));
        return index >= 0
            ? (LaplaceCurvature)index
            : throw new InvalidInputException($"--curvature: expected one of {string.Join(", ", CurvatureNames)}, got '{value}'");
    }

    /// <summary>Adds converged, iterations, curvature, message and log_marginal_likelihood to <paramref name="diagnostics"/>.</summary>
    internal static Dictionary<string, object> AddTo(Dictionary<string, object> diagnostics, LaplacePosterior laplace)
    {
        diagnostics["converged"] = laplace.Converged;
        diagnostics["iterations"] = laplace.Iterations;
        diagnostics["curvature"] = laplace.Curvature == LaplaceCurvature.ExpectedInformation ? "expected_information" : "observed";
        diagnostics["message"] = laplace.Message;
        // JSON has no infinities: an evidence that overflowed is reported as null rather than breaking the file.
        diagnostics["log_marginal_likelihood"] = double.IsFinite(laplace.LogMarginalLikelihood) ? laplace.LogMarginalLikelihood : null!;
        return diagnostics;
    }

    /// <summary>The one-line warning of a search that stopped short of its tolerance.</summary>
    internal static string Warning(string command, LaplacePosterior laplace) =>
        $"warning: {command}: {laplace.Message.TrimEnd('.')}; the posterior at that point was written with \"converged\": false";
}
