using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Afin.Metrics;
using Afin.Modelling;

namespace Afin.Cli.Comparison;

/// <summary>The methods of one <c>afin compare</c> run, scored against the best reference, as a Markdown table or JSON.</summary>
internal sealed class ComparisonReport
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    internal ComparisonReport(string problemLabel, BayesianProblem problem, IReadOnlyList<MethodResult> methods, ComparisonSettings settings)
    {
        ProblemLabel = problemLabel;
        Dimension = problem.Dimension;
        Observations = problem.ObservationCount;
        Methods = methods;
        // Exact beats any sampler; without it NUTS is the best reference there is.
        Reference = methods.FirstOrDefault(m => m.Kind == ComparisonMethodKind.Exact) ?? methods.First(m => m.Kind == ComparisonMethodKind.Nuts);
        Scores = methods.Where(m => m != Reference).ToDictionary(m => m, m => MethodScores.Against(m, Reference));
        SlicedW2Floor = Reference.Kind == ComparisonMethodKind.Exact ? SamplingFloor(Reference, settings) : null;
    }

    /// <summary>The problem's file name, for titles.</summary>
    internal string ProblemLabel { get; }

    /// <summary>The latent dimension d.</summary>
    internal int Dimension { get; }

    /// <summary>The number of likelihood factors N.</summary>
    internal int Observations { get; }

    /// <summary>Every method, in table order.</summary>
    internal IReadOnlyList<MethodResult> Methods { get; }

    /// <summary>The method the others are scored against: exact when the problem is conjugate, else NUTS.</summary>
    internal MethodResult Reference { get; }

    /// <summary>The scores of every method but the reference.</summary>
    internal IReadOnlyDictionary<MethodResult, MethodScores> Scores { get; }

    /// <summary>
    /// Sliced W2 between two independent exact samples of the compared size: the Monte Carlo floor below which
    /// no sample-based method can score; null without an exact reference.
    /// </summary>
    internal double? SlicedW2Floor { get; }

    /// <summary>"file (d = 4, N = 40)".</summary>
    internal string Title => $"{ProblemLabel} (d = {Dimension}, N = {Observations})";

    /// <summary>The metrics table in Markdown, with a line saying what the columns mean.</summary>
    internal string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine($"## afin compare: {Title}");
        text.AppendLine();
        text.AppendLine("| method | time (ms) | SME (mean) | SME (max) | sliced W2 | k-hat | ESS |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var row in Rows())
        {
            text.AppendLine($"| {string.Join(" | ", row)} |");
        }
        text.AppendLine();
        text.AppendLine($"Scored against {Reference.Label}. SME: |mean error| / reference sd per coordinate; sliced W2: between draws. " +
            "k-hat and ESS: PSIS diagnostics of AFIN+SNIS and of Auto's accepted importance sampling (k-hat > 0.7: unreliable); " +
            "ESS of NUTS: the smallest bulk ESS. AFIN+SNIS time includes the forward pass; Auto's, every stage it ran. Every method is timed warm." +
            (SlicedW2Floor is { } floor ? $" Sliced W2 of two independent exact samples of this size: {Format(floor, "F3")}." : ""));
        return text.ToString();
    }

    /// <summary>One row of cells per method, also used by the picture.</summary>
    internal IEnumerable<string[]> Rows() => Methods.Select(m =>
    {
        var scores = Scores.GetValueOrDefault(m);
        return new[]
        {
            m.Label, Format(m.Milliseconds, m.Milliseconds < 10 ? "F2" : "F0"),
            scores is null ? "reference" : Format(scores.MeanSme, "F3"), Format(scores?.MaxSme, "F3"), Format(scores?.SlicedW2, "F3"),
            Format(m.ParetoK, "F2"), Format(m.EffectiveSampleSize, "F0"),
        };
    });

    /// <summary>The report as JSON, for --json.</summary>
    internal string ToJson() => JsonSerializer.Serialize(new
    {
        problem = ProblemLabel,
        dimension = Dimension,
        observations = Observations,
        reference = Reference.Kind.ToString(),
        sliced_w2_floor = SlicedW2Floor,
        methods = Methods.Select(m => new
        {
            method = m.Kind.ToString(),
            label = m.Label,
            time_ms = m.Milliseconds,
            sme = Scores.GetValueOrDefault(m)?.MeanSme,
            max_sme = Scores.GetValueOrDefault(m)?.MaxSme,
            sliced_w2 = Scores.GetValueOrDefault(m)?.SlicedW2,
            pareto_k = m.ParetoK,
            ess = m.EffectiveSampleSize,
            mean = m.Mean,
            sd = m.StandardDeviations,
        }),
    }, JsonOptions);

    private static double SamplingFloor(MethodResult exact, ComparisonSettings settings)
    {
        var second = GaussianDraws.Sample(exact.Mean, exact.Covariance, exact.Draws.GetLength(0), settings.Seed + 1);
        return SlicedWasserstein.Distance(exact.Draws, second);
    }

    private static string Format(double? value, string format) => value switch
    {
        null => "",
        double v when double.IsPositiveInfinity(v) => "inf",
        double v when double.IsNegativeInfinity(v) => "-inf",
        double v => v.ToString(format, CultureInfo.InvariantCulture),
    };
}
