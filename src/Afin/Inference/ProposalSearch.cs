using System.Diagnostics;
using Afin.Correction;
using Afin.Laplace;

namespace Afin.Inference;

/// <summary>
/// Chooses the importance proposal of <see cref="InferenceMode.Corrected"/> and <see cref="InferenceMode.Auto"/> by
/// measurement, in stages that stop as soon as an answer is accepted, so a good AFIN posterior costs one set of draws:
/// <list type="number">
/// <item>the AFIN posterior (when the network ran);</item>
/// <item>the Laplace approximation widened to a Student-t, and the defensive mixture of the two, pooled from the draws
/// already made; the run with the smallest Monte Carlo error among the reliable ones is chosen (the smallest k-hat when
/// none is reliable);</item>
/// <item>when the chosen weights are reliable but their Monte Carlo error exceeds
/// <see cref="AutoInferenceOptions.MaxMonteCarloError"/>, more draws from the same proposal added to its run, as many as
/// that error says are needed, if no more than <see cref="AutoInferenceOptions.MaxProposalDraws"/> in all (AFIN's
/// weights are extended so at once, before the other proposals, when they need at most three times their draws).</item>
/// </list>
/// A first run weighs a quarter of its draws before the rest and stops there when their k-hat exceeds
/// <see cref="HopelessParetoK"/>, so hopeless weights do not cost a whole run before NUTS.
/// </summary>
internal static class ProposalSearch
{
    /// <summary>What the search found: the chosen run (null when no proposal produced weights) and every run tried.</summary>
    /// <param name="Chosen">The chosen run, or null.</param>
    /// <param name="Trials">Every run, in the order tried, with failures.</param>
    /// <param name="Laplace">The Laplace approximation when a stage computed it.</param>
    /// <param name="Elapsed">The time of the whole search, Laplace approximation included.</param>
    internal sealed record Outcome(ProposalRun? Chosen, IReadOnlyList<ProposalDiagnostics> Trials, LaplacePosterior? Laplace, TimeSpan Elapsed)
    {
        /// <summary>Why no run was chosen, from the trials' failures.</summary>
        internal string Failure => string.Join("; ", Trials.Where(t => t.Failure is not null).Select(t => $"{ProposalName(t.Proposal)}: {t.Failure!.TrimEnd('.')}"));
    }

    internal static Outcome Run(InferenceContext context)
    {
        var clock = Stopwatch.StartNew();
        var options = context.Options;
        var trials = new List<ProposalDiagnostics>();
        ProposalRun? afin = null;
        if (context.Posterior is { } q)
        {
            afin = TryRun(context, ImportanceProposal.Afin, q, options.ProposalDraws, options.Seed, trials, probe: true);
            if (afin is not null && afin.IsReliable(options) && !afin.IsAccepted(options)
                && DrawsToRefine(afin, options) <= CloseEnoughFactor * options.ProposalDraws)
            {
                // Reliable weights a few more draws from the bar: extending them costs less than trying another proposal.
                afin = Refine(context, afin, q, null, trials) ?? afin;
            }
            if (afin is not null && afin.IsAccepted(options))
            {
                return new Outcome(afin, trials, null, clock.Elapsed);
            }
        }
        var laplace = TryLaplace(context, trials, out var studentT);
        ProposalRun? t = null, mixture = null;
        if (studentT is not null)
        {
            t = TryRun(context, ImportanceProposal.LaplaceStudentT, studentT, options.ProposalDraws, options.Seed + 1, trials, probe: true);
            if (afin is not null && t is not null)
            {
                mixture = TryMix(context.Posterior!, afin.Result, studentT, t.Result, trials);
            }
        }
        var chosen = Best(options, [afin, t, mixture]);
        if (chosen is not null && chosen.IsReliable(options) && !chosen.IsAccepted(options))
        {
            chosen = Refine(context, chosen, context.Posterior, studentT, trials) ?? chosen;
        }
        return new Outcome(chosen, trials, laplace, clock.Elapsed);
    }

    /// <summary>The reliable run with the smallest Monte Carlo error, else the run with the smallest k-hat.</summary>
    private static ProposalRun? Best(AutoInferenceOptions options, IEnumerable<ProposalRun?> runs)
    {
        var available = runs.OfType<ProposalRun>().ToList();
        var reliable = available.Where(r => r.IsReliable(options)).ToList();
        return reliable.Count > 0
            ? reliable.MinBy(r => OrInfinity(r.Result.MaxRelativeMonteCarloError))
            : available.MinBy(r => OrInfinity(r.Result.ParetoK));
    }

    /// <summary>
    /// More draws from the chosen proposal, as many as the Monte Carlo error says reach the bar, plus a quarter for the
    /// noise of that estimate. Weights with k-hat below 0.5 have finite variance and the error falls as n^(-1/2); above
    /// it the weights' variance is infinite and the Pareto-smoothed estimate converges only as n^(-(1 - k)) (Vehtari et al.
    /// 2024, section 3), so the draws needed grow faster. Null when they exceed the cap (NUTS is then the cheaper route)
    /// or the new run failed.
    /// </summary>
    private static ProposalRun? Refine(InferenceContext context, ProposalRun chosen, IImportanceProposal? afin, IImportanceProposal? studentT,
        List<ProposalDiagnostics> trials)
    {
        var options = context.Options;
        double needed = DrawsToRefine(chosen, options);
        if (!(needed <= options.MaxProposalDraws))
        {
            return null;
        }
        int draws = (int)needed;
        int seed = options.Seed + 2;
        return chosen.Proposal switch
        {
            ImportanceProposal.Afin => TryExtend(context, chosen, afin!, draws, seed, trials),
            ImportanceProposal.LaplaceStudentT => TryExtend(context, chosen, studentT!, draws, seed, trials),
            _ => RefineMixture(context, afin!, studentT!, (draws + 1) / 2, seed, trials),
        };
    }

    /// <summary>How many draws in all the run's error says reach the bar, a quarter more for the noise of that estimate.</summary>
    private static double DrawsToRefine(ProposalRun run, AutoInferenceOptions options) =>
        DrawsForError(run.Result, options.MonteCarloBar(run.Result.Dimension)) * 1.25;

    /// <summary>
    /// AFIN's reliable weights are extended at once, before another proposal is tried, when they need at most this many
    /// times the first run's draws in all.
    /// </summary>
    private const double CloseEnoughFactor = 3;

    /// <summary>The run extended to <paramref name="draws"/> draws in all (its own draws kept), listed as a trial; null on failure.</summary>
    private static ProposalRun? TryExtend(InferenceContext context, ProposalRun run, IImportanceProposal proposal, int draws, int seed,
        List<ProposalDiagnostics> trials)
    {
        context.CancellationToken.ThrowIfCancellationRequested();
        int more = Math.Max(1, draws - run.Result.DrawCount);
        try
        {
            var extended = new ProposalRun(run.Proposal, ImportanceSampler.Extend(run.Result, proposal, context.Problem.LogDensity(), more, seed));
            trials.Add(extended.Diagnostics);
            return extended;
        }
        catch (InvalidOperationException e)
        {
            trials.Add(new ProposalDiagnostics(run.Proposal, run.Result.DrawCount + more, double.NaN, double.NaN, double.NaN, e.Message));
            return null;
        }
    }

    /// <summary>The draws at which the run's largest Monte Carlo error would reach <paramref name="bar"/>, at the convergence rate its k-hat implies.</summary>
    private static double DrawsForError(ImportanceSamplingResult result, double bar)
    {
        double rate = 1 - Math.Max(0.5, result.ParetoK);
        return result.DrawCount * Math.Pow(result.MaxRelativeMonteCarloError / bar, 1 / rate);
    }

    private static ProposalRun? RefineMixture(InferenceContext context, IImportanceProposal afin, IImportanceProposal studentT, int each, int seed,
        List<ProposalDiagnostics> trials)
    {
        // The single runs are scratch here: only the pooled weights are a candidate, so they are not listed as trials.
        var scratch = new List<ProposalDiagnostics>();
        var a = TryRun(context, ImportanceProposal.Afin, afin, each, seed, scratch);
        var b = TryRun(context, ImportanceProposal.LaplaceStudentT, studentT, each, seed + 1, scratch);
        if (a is null || b is null)
        {
            trials.Add(new ProposalDiagnostics(ImportanceProposal.Mixture, 2 * each, double.NaN, double.NaN, double.NaN,
                string.Join("; ", scratch.Select(t => t.Failure).OfType<string>())));
            return null;
        }
        return TryMix(afin, a.Result, studentT, b.Result, trials);
    }

    /// <summary>
    /// A quarter of a first run's draws are weighted before the rest: weights whose k-hat already exceeds
    /// <see cref="HopelessParetoK"/> there cannot be accepted (their mean does not exist), so the other three quarters of the
    /// target's evaluations would be paid for an answer that is discarded.
    /// </summary>
    private const int ProbeFraction = 4;

    /// <summary>The fewest draws a probe's k-hat is fitted to (its Pareto tail then has 47 draws); smaller runs are not probed.</summary>
    private const int MinProbeDraws = 250;

    /// <summary>
    /// The k-hat above which weights are given up on: above 1 the ratios have no mean and more draws do not help; the
    /// acceptance bar is 0.7, so the gap absorbs the noise of a k-hat fitted to a quarter of the draws.
    /// </summary>
    internal const double HopelessParetoK = 1.0;

    /// <summary>
    /// The weights of <paramref name="draws"/> draws from one proposal, listed as a trial; a failure (no finite weight) is
    /// listed and gives null. With <paramref name="probe"/>, hopeless weights stop after a quarter of the draws.
    /// </summary>
    internal static ProposalRun? TryRun(InferenceContext context, ImportanceProposal kind, IImportanceProposal proposal, int draws, int seed,
        List<ProposalDiagnostics> trials, bool probe = false)
    {
        context.CancellationToken.ThrowIfCancellationRequested();
        try
        {
            int probeDraws = probe ? Math.Max(MinProbeDraws, draws / ProbeFraction) : draws;
            var run = new ProposalRun(kind, ImportanceSampler.RunProposal(proposal, context.Problem.LogDensity(), draws, seed, probeDraws, HopelessParetoK));
            trials.Add(run.Diagnostics);
            return run;
        }
        catch (InvalidOperationException e)
        {
            // A broken q (non-finite mean or scale far outside the training range) lands here.
            trials.Add(new ProposalDiagnostics(kind, draws, double.NaN, double.NaN, double.NaN, e.Message));
            return null;
        }
    }

    private static ProposalRun? TryMix(IImportanceProposal afin, ImportanceSamplingResult afinRun, IImportanceProposal studentT,
        ImportanceSamplingResult studentTRun, List<ProposalDiagnostics> trials)
    {
        try
        {
            var run = new ProposalRun(ImportanceProposal.Mixture, DefensiveMixture.Combine(afin, afinRun, studentT, studentTRun));
            trials.Add(run.Diagnostics);
            return run;
        }
        catch (InvalidOperationException e)
        {
            trials.Add(new ProposalDiagnostics(ImportanceProposal.Mixture, 2 * afinRun.DrawCount, double.NaN, double.NaN, double.NaN, e.Message));
            return null;
        }
    }

    /// <summary>The Laplace approximation and its Student-t widening; a failure is recorded as a trial of that proposal.</summary>
    private static LaplacePosterior? TryLaplace(InferenceContext context, List<ProposalDiagnostics> trials, out IImportanceProposal? studentT)
    {
        studentT = null;
        try
        {
            var laplace = context.Laplace ?? LaplaceApproximation.Compute(context.Problem, context.Options.Laplace, context.CancellationToken);
            studentT = new MultivariateStudentT(laplace.Mode, laplace.Covariance, context.Options.LaplaceProposalDegreesOfFreedom);
            return laplace;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            trials.Add(new ProposalDiagnostics(ImportanceProposal.LaplaceStudentT, 0, double.NaN, double.NaN, double.NaN,
                $"the Laplace approximation failed: {e.Message}"));
            return null;
        }
    }

    private static double OrInfinity(double value) => double.IsNaN(value) ? double.PositiveInfinity : value;

    /// <summary>The proposal's name in reasons and JSON.</summary>
    internal static string ProposalName(ImportanceProposal proposal) => proposal switch
    {
        ImportanceProposal.Afin => "afin",
        ImportanceProposal.LaplaceStudentT => "laplace_t",
        _ => "mixture",
    };
}
