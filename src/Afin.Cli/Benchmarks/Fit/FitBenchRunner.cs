using System.Diagnostics;
using Afin.Cli.Benchmarks.Real;
using Afin.MLNet;
using Afin.Persistence;
using Microsoft.ML;

namespace Afin.Cli.Benchmarks.Fit;

/// <summary>
/// <c>afin bench fit</c>'s work on one kind: the Laplace approximation, the base model as Fit binds it, and Fit with
/// fine-tuning on the kind's own designs at each budget, all through the ML.NET path, each scored against the groups'
/// references.
/// </summary>
/// <param name="model">The base model (the caller keeps it).</param>
/// <param name="tuning">The estimator options for fine-tuning, except the steps (set per budget).</param>
/// <param name="log">Receives one line per finished method.</param>
internal sealed class FitBenchRunner(AfinModel model, AfinPosteriorOptions tuning, TextWriter log)
{
    /// <summary>Every method on the groups of one kind.</summary>
    internal IEnumerable<FitBenchRow> Run(IReadOnlyList<(SuiteProblem Problem, ProblemReference Reference)> groups, IReadOnlyList<int> budgets, CancellationToken cancellationToken)
    {
        var ml = new MLContext(seed: 1);
        var data = GroupedObservations.Problems(ml, groups.Select(g => g.Problem).ToArray());
        var references = groups.ToDictionary(g => g.Problem.Name, g => g.Reference);
        var first = groups[0].Problem;
        var sites = groups.Select(g => g.Problem.Problem.ObservationCount).ToArray();
        FitBenchRow Row(string method, int steps, double seconds, IReadOnlyList<RealScores> scores) =>
            new(first.Kind, groups.Count, first.Problem.Dimension, $"{sites.Min()}-{sites.Max()}", method, steps, seconds,
                RealScores.Median(scores.Select(s => s.MaxSme)), RealScores.Median(scores.Select(s => s.KlPerDimension)));

        var clock = Stopwatch.StartNew();
        var laplace = groups.Select(g => RealScores.Of(RealMethods.Laplace.Run(g.Problem, cancellationToken), g.Reference)).ToArray();
        yield return Report(Row("laplace", 0, clock.Elapsed.TotalSeconds, laplace));

        clock.Restart();
        var bound = ml.Transforms.AfinPosterior(tuning with { Model = model, FineTuneSteps = 0, Progress = null }).Fit(data);
        yield return Report(Row("default", 0, clock.Elapsed.TotalSeconds, Score(ml, bound, data, references)));
        foreach (int steps in budgets)
        {
            cancellationToken.ThrowIfCancellationRequested();
            clock.Restart();
            var estimator = ml.Transforms.AfinPosterior(tuning with { Model = model, FineTuneSteps = steps });
            var tuned = estimator.Fit(data);
            double seconds = clock.Elapsed.TotalSeconds;
            var report = estimator.LastFineTuneReport!;
            yield return Report(Row("fit", steps, seconds, Score(ml, tuned, data, references)) with
            {
                HeldOutBefore = report.Before?.NegativeLogDensityPerDimension,
                HeldOutAfter = report.After?.NegativeLogDensityPerDimension,
                HeldOutLaplace = report.After?.LaplaceNegativeLogDensityPerDimension,
            });
        }
    }

    private FitBenchRow Report(FitBenchRow row)
    {
        log.WriteLine($"{row.Kind}: {row.Method}{(row.Steps > 0 ? $" {row.Steps} steps" : "")}: median max SME {row.MedianMaxSme:F3}, median KL/d {row.MedianKlPerDimension:F4}, {row.Seconds:F1} s" +
            (row.HeldOutAfter is { } after ? $"; held-out -log q/d {row.HeldOutBefore:F3} -> {after:F3} (Laplace {row.HeldOutLaplace:F3})" : ""));
        return row;
    }

    /// <summary>The transformer's posterior of every group, scored against its reference.</summary>
    private static RealScores[] Score(MLContext ml, AfinPosteriorTransformer transformer, IDataView data, IReadOnlyDictionary<string, ProblemReference> references)
    {
        var posteriors = ml.Data.ReadGroupPosteriors<string>(transformer.Transform(data), "Group");
        return posteriors.Select(p =>
        {
            int d = p.Mean.Length;
            var covariance = new double[d, d];
            for (int i = 0; i < d; i++)
            {
                for (int j = 0; j < d; j++)
                {
                    covariance[i, j] = p.Covariance[i * d + j];
                }
            }
            return RealScores.Of(new MethodEstimate(p.Mean, covariance), references[p.Key]);
        }).ToArray();
    }
}
