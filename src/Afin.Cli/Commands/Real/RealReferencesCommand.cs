using System.CommandLine;
using System.Diagnostics;
using Afin.Cli.Benchmarks.Real;
using Afin.References;

namespace Afin.Cli.Commands.Real;

/// <summary>
/// <c>afin bench real references</c>: computes the reference posterior of every selected problem and writes it to
/// the reference file after each problem, so an interrupted run resumes where it stopped (problems whose hash already
/// has a reference are skipped).
/// </summary>
internal static class RealReferencesCommand
{
    /// <summary>Where the references live, relative to the repository root.</summary>
    internal const string DefaultPath = "benchmarks/real/references.json";

    internal static Command Create(CommandIO io)
    {
        var options = new RealSuiteOptions();
        var output = new Option<FileInfo>("--out") { Description = "Reference file to update.", DefaultValueFactory = _ => new FileInfo(DefaultPath) };
        var chains = new Option<int>("--chains") { Description = "NUTS chains per problem.", DefaultValueFactory = _ => 4 };
        var warmup = new Option<int>("--warmup") { Description = "NUTS warm-up iterations per chain.", DefaultValueFactory = _ => 2000 };
        var draws = new Option<int>("--draws") { Description = "NUTS draws per chain (doubled with the warm-up, up to twice, while max R-hat >= 1.01 or min bulk ESS < 1000).", DefaultValueFactory = _ => 2000 };
        var isDraws = new Option<int>("--is-draws") { Description = "Draws of the importance-sampling cross-check.", DefaultValueFactory = _ => 100_000 };
        var df = new Option<double>("--proposal-df") { Description = "Degrees of freedom of the cross-check's Student-t proposal (> 2).", DefaultValueFactory = _ => 7 };
        var seed = CommonOptions.Seed();
        var force = new Option<bool>("--force") { Description = "Recompute references that are already up to date." };
        var command = new Command("references", "Compute reference posteriors (exact, or long NUTS cross-checked by importance sampling) for the realistic suite; resumable.")
        {
            output, chains, warmup, draws, isDraws, df, seed, force,
        };
        options.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
        {
            var settings = new ReferenceSettings(parse.GetValue(chains), parse.GetValue(warmup), parse.GetValue(draws), parse.GetValue(isDraws),
                parse.GetValue(df), parse.GetValue(seed), options.ThreadCount(parse));
            Check(settings);
            var problems = options.Select(parse);
            int failed = Run(io, problems, settings, parse.GetValue(output)!.FullName, parse.GetValue(force), cancellationToken);
            return Task.FromResult(failed == 0 ? ExitCodes.Success : ExitCodes.Failure);
        });
        return command;
    }

    private static void Check(ReferenceSettings settings)
    {
        if (settings.Chains < 2 || settings.Warmup < 1 || settings.Draws < 4 || settings.ImportanceDraws < 100 || !(settings.ProposalDf > 2))
        {
            throw new InvalidInputException("references: expected --chains >= 2, --warmup >= 1, --draws >= 4, --is-draws >= 100 and --proposal-df > 2");
        }
    }

    /// <summary>Computes the missing references one problem at a time, saving after each; returns the number that failed.</summary>
    private static int Run(CommandIO io, IReadOnlyList<SuiteProblem> problems, ReferenceSettings settings, string path, bool force, CancellationToken cancellationToken)
    {
        var set = ReferenceStore.Load(path);
        var order = problems.Select(p => p.Name).ToArray();
        var todo = problems.Where(p => force || !ReferenceStore.IsCurrent(set, p)).ToArray();
        io.Error.WriteLine($"references: {problems.Count - todo.Length} of {problems.Count} up to date in {path}; computing {todo.Length} " +
            $"(NUTS {settings.Chains} x ({settings.Warmup} + {settings.Draws}), {settings.ImportanceDraws} IS draws, {settings.Threads} threads)");
        var clock = Stopwatch.StartNew();
        int failed = 0;
        for (int i = 0; i < todo.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var problem = todo[i];
            io.Error.WriteLine($"[{i + 1}/{todo.Length}] {problem.Name} (d {problem.Problem.Dimension}, N {problem.Problem.ObservationCount}) ...");
            try
            {
                var reference = new ReferenceBuilder(settings).Compute(problem, new QuarterProgress(io.Error, problem.Name), cancellationToken);
                set = ReferenceStore.With(set, reference, order);
                ReferenceStore.Save(set, path);
                io.Error.WriteLine($"[{i + 1}/{todo.Length}] {problem.Name}: {Describe(reference)}; {clock.Elapsed.TotalMinutes:F1} min so far");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failed++;
                io.Error.WriteLine($"[{i + 1}/{todo.Length}] {problem.Name}: FAILED: {e.Message}");
            }
        }
        io.Error.WriteLine($"references: done in {clock.Elapsed.TotalMinutes:F1} min, {failed} failed; {set.Problems.Count} references in {path}");
        return failed;
    }

    /// <summary>One line: the method, NUTS's diagnostics and the cross-check's verdict.</summary>
    internal static string Describe(ProblemReference reference)
    {
        if (reference.Nuts is not { } nuts || reference.ImportanceSampling is not { } check)
        {
            return $"{reference.Method} in {reference.Seconds:F2} s";
        }
        return $"nuts {nuts.Chains} x ({nuts.Warmup} + {nuts.Draws}), max r_hat {nuts.MaxRHat:F4}, min ess_bulk {nuts.MinEssBulk:F0}, divergences {nuts.Divergences}" +
            $"{(nuts.Converged ? "" : " (NOT CONVERGED)")}; IS k-hat {check.ParetoK:F2}, ess {check.Ess:F0}, max |Δmean|/sd {check.MaxMeanDiscrepancy:F3}, " +
            $"max |sd ratio - 1| {check.MaxSdDiscrepancy:F3}{(check.Agrees ? "" : " (DISAGREE)")}; {reference.Seconds:F1} s";
    }

    /// <summary>Reports chain 0's progress at each quarter once a run has taken 5 s, so a long problem shows it is alive.</summary>
    private sealed class QuarterProgress(TextWriter error, string name) : IProgress<NutsProgress>
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private int _quarter;

        public void Report(NutsProgress value)
        {
            int quarter = 4 * value.Iteration / Math.Max(1, value.TotalIterations);
            if (value.Chain != 0 || quarter == _quarter || quarter == 4 || _clock.Elapsed.TotalSeconds < 5)
            {
                _quarter = value.Chain == 0 ? quarter : _quarter;
                return;
            }
            _quarter = quarter;
            error.WriteLine($"    {name}: chain 0 at {value.Iteration}/{value.TotalIterations}{(value.IsWarmup ? " (warm-up)" : "")}");
        }
    }
}
