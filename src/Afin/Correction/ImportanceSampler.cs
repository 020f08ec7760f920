using Afin.Modelling;
using Afin.Network;

namespace Afin.Correction;

/// <summary>
/// Self-normalised importance sampling with Pareto smoothing: corrects an AFIN posterior approximation
/// q towards the exact posterior p by weighting draws from q with p / q. Only the unnormalised log
/// posterior is needed, because self-normalisation cancels its constant.
/// </summary>
public static class ImportanceSampler
{
    /// <summary>Draws from the proposal, evaluates the target at every draw and weights the draws.</summary>
    /// <param name="proposal">The approximation q to draw from, for instance the output of <c>AfinNetwork.Infer</c>.</param>
    /// <param name="target">The unnormalised log posterior log p; only values are used, never gradients.</param>
    /// <param name="draws">The number of draws n, at least 2.</param>
    /// <param name="seed">Seeds the proposal's sampler; the same seed gives the same result.</param>
    /// <returns>The weighted draws, moments and diagnostics.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="proposal"/> or <paramref name="target"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="draws"/> is below 2.</exception>
    /// <exception cref="ArgumentException">The proposal and target dimensions differ.</exception>
    /// <exception cref="InvalidOperationException">log p or log q is non-finite at every draw.</exception>
    /// <remarks>The target is evaluated on the calling thread, one draw after another.</remarks>
    public static ImportanceSamplingResult Run(AfinPosterior proposal, ILogDensity target, int draws, int seed)
    {
        SamplerArguments.Validate(proposal, target, draws);
        return RunProposal(proposal, target, draws, seed);
    }

    /// <summary>Importance sampling from any proposal; the arguments are checked already.</summary>
    internal static ImportanceSamplingResult RunProposal(IImportanceProposal proposal, ILogDensity target, int draws, int seed) =>
        RunProposal(proposal, target, draws, seed, probeDraws: draws, hopelessParetoK: double.PositiveInfinity);

    /// <summary>
    /// Importance sampling that stops early where the weights are hopeless: the target is evaluated at the first
    /// <paramref name="probeDraws"/> draws first, and when their k-hat exceeds <paramref name="hopelessParetoK"/> the
    /// result of those draws alone is returned. Otherwise the rest are evaluated and the result is the one
    /// plain run gives with the same seed: the probe's draws are its first ones, so an accepted run costs one small Pareto
    /// fit more, not more evaluations of the target. A probe of all the draws is a plain run.
    /// </summary>
    internal static ImportanceSamplingResult RunProposal(IImportanceProposal proposal, ILogDensity target, int draws, int seed,
        int probeDraws, double hopelessParetoK)
    {
        var points = LogRatios.Draw(proposal, draws, seed);
        var logProposal = LogRatios.Proposal(proposal, points);
        if (probeDraws >= draws)
        {
            return Reweight(points, LogRatios.Target(target, points), logProposal);
        }
        var probe = Rows(points, 0, probeDraws);
        var probeTarget = LogRatios.Target(target, probe);
        var probeProposal = logProposal[..probeDraws];
        var ratios = LogRatios.Combine(probeTarget, probeProposal, out int nonFinite);
        if (nonFinite == probeDraws || ParetoSmoothing.Smooth(ratios).ParetoK > hopelessParetoK)
        {
            return Reweight(probe, probeTarget, probeProposal);
        }
        var logTarget = new double[draws];
        probeTarget.CopyTo(logTarget, 0);
        LogRatios.Target(target, Rows(points, probeDraws, draws)).CopyTo(logTarget, probeDraws);
        return Reweight(points, logTarget, logProposal);
    }

    /// <summary>
    /// <paramref name="earlier"/> extended by <paramref name="more"/> draws from the same proposal (another seed): the
    /// target is evaluated at the new draws only, and all are weighted together.
    /// </summary>
    internal static ImportanceSamplingResult Extend(ImportanceSamplingResult earlier, IImportanceProposal proposal, ILogDensity target, int more, int seed)
    {
        var points = LogRatios.Draw(proposal, more, seed);
        var logProposal = LogRatios.Proposal(proposal, points);
        var logTarget = LogRatios.Target(target, points);
        int n = earlier.DrawCount, d = earlier.Dimension;
        var draws = new double[n + more, d];
        Buffer.BlockCopy(earlier.Draws, 0, draws, 0, n * d * sizeof(double));
        Buffer.BlockCopy(points, 0, draws, n * d * sizeof(double), more * d * sizeof(double));
        return Reweight(draws, [.. earlier.LogTarget, .. logTarget], [.. earlier.LogProposal, .. logProposal]);
    }

    private static double[,] Rows(double[,] points, int from, int to)
    {
        int d = points.GetLength(1);
        var rows = new double[to - from, d];
        Buffer.BlockCopy(points, from * d * sizeof(double), rows, 0, (to - from) * d * sizeof(double));
        return rows;
    }

    /// <summary>
    /// Weights draws already made from a proposal, given log p and log q at each; for callers that have
    /// evaluated the densities themselves (in a batch, on a device, or in parallel).
    /// </summary>
    /// <param name="draws">The proposal draws, n x d with n at least 2.</param>
    /// <param name="logTarget">The unnormalised log target at each draw, length n.</param>
    /// <param name="logProposal">The proposal log density at each draw, length n.</param>
    /// <returns>The weighted draws, moments and diagnostics; the arrays passed in are kept, not copied.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">Fewer than 2 draws, or a log-density array whose length is not n.</exception>
    /// <exception cref="InvalidOperationException">log p or log q is non-finite at every draw.</exception>
    public static ImportanceSamplingResult Reweight(double[,] draws, double[] logTarget, double[] logProposal)
    {
        SamplerArguments.ValidateShapes(draws, logTarget, logProposal);
        var ratios = LogRatios.Combine(logTarget, logProposal, out int nonFinite);
        if (nonFinite == ratios.Length)
        {
            throw new InvalidOperationException(
                $"log p - log q is non-finite at all {ratios.Length} draws (NaN or infinite densities), so no draw can be weighted; " +
                "check that the proposal and the target describe the same latent space.");
        }
        var smoothing = ParetoSmoothing.Smooth(ratios);
        return new ImportanceSamplingResult(draws, logTarget, logProposal, LogSpace.Normalise(ratios),
            LogSpace.Normalise(smoothing.LogWeights), smoothing.ParetoK, nonFinite);
    }
}
