using System.Diagnostics;

namespace Afin.Cli.Benchmarks.Real;

/// <summary>
/// Runs every method on every problem, one after another in the same process (so time ratios hold on a noisy
/// machine), and scores each answer against the problem's reference. A method that throws is recorded as failed on
/// that problem and the run goes on.
/// </summary>
internal sealed class RealBenchRunner(IReadOnlyList<IRealMethod> methods, TextWriter progress)
{
    /// <summary>
    /// Scores every method on every (problem, reference) pair, after one untimed warm-up pass on the smallest problem of
    /// each kind: each kind takes its own paths (exact, importance sampling from each proposal, NUTS) through code that
    /// .NET first runs unoptimised, so a single warm-up problem left the first problems of later kinds paying for it.
    /// </summary>
    internal IReadOnlyList<RealBenchResult> Run(IReadOnlyList<(SuiteProblem Problem, ProblemReference Reference)> items, CancellationToken cancellationToken)
    {
        foreach (var kind in items.GroupBy(i => i.Problem.Kind))
        {
            Warm(kind.MinBy(i => i.Problem.Problem.Dimension * Math.Max(1, i.Problem.Problem.ObservationCount)).Problem, cancellationToken);
        }
        var results = new List<RealBenchResult>();
        for (int i = 0; i < items.Count; i++)
        {
            var (problem, reference) = items[i];
            var row = methods.Select(m => Score(m, problem, reference, cancellationToken)).ToArray();
            results.AddRange(row);
            progress.WriteLine($"[{i + 1}/{items.Count}] {problem.Name}: max SME " +
                string.Join(", ", row.Select(r => $"{r.Method} {(r.Scores is { } s ? RealBenchTable.F(s.MaxSme) : "failed")}")));
        }
        return results;
    }

    /// <summary>Runs each method once so that JIT compilation and first-touch allocation are not timed.</summary>
    private void Warm(SuiteProblem problem, CancellationToken cancellationToken)
    {
        foreach (var method in methods)
        {
            try
            {
                method.Run(problem, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The timed run records the failure.
            }
        }
    }

    private static RealBenchResult Score(IRealMethod method, SuiteProblem problem, ProblemReference reference, CancellationToken cancellationToken)
    {
        var p = problem.Problem;
        var clock = Stopwatch.StartNew();
        try
        {
            var estimate = method.Run(problem, cancellationToken);
            double ms = clock.Elapsed.TotalMilliseconds;
            return new RealBenchResult(problem.Name, problem.Kind, problem.Bucket, p.Dimension, p.ObservationCount, method.Name, method.Kind,
                RealScores.Of(estimate, reference), ms, estimate.Converged, estimate.Path, null, estimate.Flagged);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new RealBenchResult(problem.Name, problem.Kind, problem.Bucket, p.Dimension, p.ObservationCount, method.Name, method.Kind,
                null, clock.Elapsed.TotalMilliseconds, false, null, e.Message);
        }
    }
}
