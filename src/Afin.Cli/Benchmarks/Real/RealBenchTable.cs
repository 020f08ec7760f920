using System.Globalization;

namespace Afin.Cli.Benchmarks.Real;

/// <summary>One row of the summary: a method over the problems of a group (a d bucket, a kind, or all), medians over problems.</summary>
internal sealed record RealBenchRow(string Group, string Method, int Problems, int Failed, int NotConverged, double MaxSme, double MedianSme,
    double KlPerDimension, double SdRatioMedian, double SdRatioWorst, double WorstMaxSme, double Milliseconds);

/// <summary>Summarises <see cref="RealBenchResult"/>s per group and method and prints them as a Markdown table.</summary>
internal static class RealBenchTable
{
    /// <summary>One row per (group, method), groups in first-seen order, then methods in run order.</summary>
    internal static IReadOnlyList<RealBenchRow> Summarise(IReadOnlyList<RealBenchResult> results, Func<RealBenchResult, string> group)
    {
        var methods = results.Select(r => r.Method).Distinct().ToArray();
        return results.Select(group).Distinct()
            .SelectMany(g => methods.Select(m => Row(g, m, results.Where(r => group(r) == g && r.Method == m).ToArray())))
            .Where(r => r.Problems > 0)
            .ToArray();
    }

    private static RealBenchRow Row(string group, string method, RealBenchResult[] results)
    {
        var scored = results.Where(r => r.Scores is not null).Select(r => r.Scores!).ToArray();
        return new RealBenchRow(group, method, results.Length, results.Length - scored.Length, results.Count(r => !r.Converged),
            RealScores.Median(scored.Select(s => s.MaxSme)), RealScores.Median(scored.Select(s => s.MedianSme)),
            RealScores.Median(scored.Select(s => s.KlPerDimension)), RealScores.Median(scored.Select(s => s.SdRatioMedian)),
            RealScores.Median(scored.Select(s => s.SdRatioWorst)), scored.Length == 0 ? double.NaN : scored.Max(s => s.MaxSme),
            RealScores.Median(results.Select(r => r.Milliseconds)));
    }

    /// <summary>Writes the rows as a Markdown table whose first column is <paramref name="groupTitle"/>.</summary>
    internal static void Print(TextWriter output, string groupTitle, IReadOnlyList<RealBenchRow> rows)
    {
        output.WriteLine($"| {groupTitle} | method | problems | max SME | median SME | KL/d | sd ratio (median) | sd ratio (worst) | worst max SME | ms | failed | not converged |");
        output.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var r in rows)
        {
            output.WriteLine($"| {r.Group} | {r.Method} | {r.Problems} | {F(r.MaxSme)} | {F(r.MedianSme)} | {F(r.KlPerDimension)} | {F(r.SdRatioMedian)} | " +
                $"{F(r.SdRatioWorst)} | {F(r.WorstMaxSme)} | {Ms(r.Milliseconds)} | {r.Failed} | {r.NotConverged} |");
        }
        output.WriteLine();
    }

    /// <summary>
    /// Writes one metric as a group x method grid (groups as rows, methods as columns), the compact view of many groups.
    /// </summary>
    internal static void PrintGrid(TextWriter output, string title, string groupTitle, IReadOnlyList<RealBenchRow> rows, Func<RealBenchRow, double> metric)
    {
        var methods = rows.Select(r => r.Method).Distinct().ToArray();
        output.WriteLine($"{title}:");
        output.WriteLine();
        output.WriteLine($"| {groupTitle} | problems | {string.Join(" | ", methods)} |");
        output.WriteLine($"| --- | --- |{string.Concat(methods.Select(_ => " --- |"))}");
        foreach (var group in rows.GroupBy(r => r.Group))
        {
            var cells = methods.Select(m => group.FirstOrDefault(r => r.Method == m) is { } row ? F(metric(row)) : "-");
            output.WriteLine($"| {group.Key} | {group.Max(r => r.Problems)} | {string.Join(" | ", cells)} |");
        }
        output.WriteLine();
    }

    internal static string F(double value) => double.IsNaN(value) ? "-" : value.ToString("G3", CultureInfo.InvariantCulture);

    private static string Ms(double value) => value.ToString(value < 10 ? "F2" : "F0", CultureInfo.InvariantCulture);
}
