using System.Diagnostics;
using Afin.Correction;

namespace Afin.Inference;

/// <summary>
/// The importance check of an AFIN posterior: Pareto-smoothed importance sampling with q as the
/// proposal, timed, and with a total failure (no draw of finite weight) kept as a message rather
/// than thrown, since Auto answers it by falling back on NUTS.
/// </summary>
/// <param name="Result">The weighted draws, or null when no draw had a finite weight.</param>
/// <param name="Failure">Why there are no weights, or null.</param>
/// <param name="Elapsed">The time the check took.</param>
internal sealed record ImportanceCheck(ImportanceSamplingResult? Result, string? Failure, TimeSpan Elapsed)
{
    internal static ImportanceCheck Run(InferenceContext context)
    {
        context.CancellationToken.ThrowIfCancellationRequested();
        var clock = Stopwatch.StartNew();
        try
        {
            var result = ImportanceSampler.Run(context.Posterior, context.Problem.LogDensity(), context.Options.ProposalDraws, context.Options.Seed);
            return new ImportanceCheck(result, null, clock.Elapsed);
        }
        catch (InvalidOperationException e)
        {
            // A broken q (non-finite mean or scale far outside the training range) lands here.
            return new ImportanceCheck(null, e.Message, clock.Elapsed);
        }
    }
}
