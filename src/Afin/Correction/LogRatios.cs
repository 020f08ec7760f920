using Afin.Modelling;
using Afin.Network;

namespace Afin.Correction;

/// <summary>Evaluates the target and proposal at the proposal's draws and forms the log importance ratios.</summary>
internal static class LogRatios
{
    /// <summary>Draws <paramref name="count"/> points from the proposal in one call (the proposal batches its work).</summary>
    internal static double[,] Draw(IImportanceProposal proposal, int count, int seed)
    {
        var draws = proposal.Sample(count, seed);
        if (draws.GetLength(0) != count || draws.GetLength(1) != proposal.Dimension)
        {
            throw new InvalidOperationException(
                $"the proposal returned {draws.GetLength(0)} x {draws.GetLength(1)} draws; expected {count} x {proposal.Dimension}.");
        }
        return draws;
    }

    /// <summary>log q at every draw, checked for length.</summary>
    internal static double[] Proposal(IImportanceProposal proposal, double[,] draws)
    {
        var logQ = proposal.LogDensity(draws);
        if (logQ.Length != draws.GetLength(0))
        {
            throw new InvalidOperationException($"the proposal returned {logQ.Length} log densities for {draws.GetLength(0)} draws.");
        }
        return logQ;
    }

    /// <summary>The unnormalised log target at every row of <paramref name="draws"/>.</summary>
    internal static double[] Target(ILogDensity target, double[,] draws)
    {
        int n = draws.GetLength(0), d = draws.GetLength(1);
        var logP = new double[n];
        if (target is PosteriorLogDensity posterior)
        {
            // The posterior evaluates all draws at once, values only.
            posterior.EvaluateValues(draws, logP);
            return logP;
        }
        // Any other density must be handed a gradient buffer, which is scratch here because importance weights need values only.
        var z = new double[d];
        var gradient = new double[d];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++)
            {
                z[j] = draws[i, j];
            }
            logP[i] = target.Evaluate(z, gradient);
        }
        return logP;
    }

    /// <summary>
    /// log p - log q per draw, with -∞ (zero weight) wherever either is not finite: a NaN or infinite
    /// density is a failure at that point, and giving it no weight keeps it out of every estimate.
    /// </summary>
    internal static double[] Combine(double[] logTarget, double[] logProposal, out int nonFinite)
    {
        var ratios = new double[logTarget.Length];
        nonFinite = 0;
        for (int i = 0; i < ratios.Length; i++)
        {
            double r = logTarget[i] - logProposal[i];
            bool finite = double.IsFinite(logTarget[i]) && double.IsFinite(logProposal[i]) && double.IsFinite(r);
            ratios[i] = finite ? r : double.NegativeInfinity;
            nonFinite += finite ? 0 : 1;
        }
        return ratios;
    }
}
