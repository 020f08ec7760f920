using Afin.Metrics;
using Afin.Modelling;
using Afin.Network;
using Afin.References;

namespace Afin.Correction;

/// <summary>
/// Independence Metropolis-Hastings with an AFIN posterior as the proposal: every move proposes a fresh
/// draw z' from q and accepts it with probability min(1, [p(z') / q(z')] / [p(z) / q(z)]). The exact
/// posterior is the chain's stationary distribution whatever q is (given q covers p), so, unlike
/// importance sampling, the output is a set of equally weighted draws; a good q shows as an acceptance
/// rate near 1.
/// </summary>
public static class IndependenceMetropolisHastings
{
    /// <summary>Runs one chain of <paramref name="burnIn"/> + <paramref name="draws"/> iterations.</summary>
    /// <param name="proposal">The approximation q that proposes every move.</param>
    /// <param name="target">The unnormalised log posterior log p; only values are used, never gradients.</param>
    /// <param name="draws">The number of chain states kept, at least 2.</param>
    /// <param name="seed">Seeds the proposal's sampler and the acceptance uniforms; the same seed gives the same chain.</param>
    /// <param name="burnIn">Iterations discarded before the kept ones, at least 0.</param>
    /// <returns>The kept chain with its acceptance rate and moments.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="proposal"/> or <paramref name="target"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="draws"/> is below 2 or <paramref name="burnIn"/> is negative.</exception>
    /// <exception cref="ArgumentException">The proposal and target dimensions differ.</exception>
    /// <exception cref="InvalidOperationException">log p or log q is non-finite at every proposal.</exception>
    /// <remarks>
    /// The chain starts at the first proposal with a finite ratio p / q, which is itself a draw from q,
    /// so the start needs no tuning. All proposals are drawn in one call up front, since they do not
    /// depend on the chain's state.
    /// </remarks>
    public static IndependenceMetropolisHastingsResult Run(AfinPosterior proposal, ILogDensity target, int draws, int seed, int burnIn = 0)
    {
        SamplerArguments.Validate(proposal, target, draws);
        ArgumentOutOfRangeException.ThrowIfNegative(burnIn);
        int total = checked(draws + burnIn);
        var proposals = LogRatios.Draw(proposal, total, seed);
        var ratios = LogRatios.Combine(LogRatios.Target(target, proposals), LogRatios.Proposal(proposal, proposals), out int nonFinite);
        if (nonFinite == total)
        {
            throw new InvalidOperationException(
                $"log p - log q is non-finite at all {total} proposals (NaN or infinite densities), so the chain cannot start; " +
                "check that the proposal and the target describe the same latent space.");
        }
        var (states, accepted) = Chain(ratios, seed);
        var chain = KeptRows(proposals, states, burnIn);
        return new IndependenceMetropolisHastingsResult(chain, (double)accepted / (total - 1), nonFinite,
            SampleMoments.Mean(chain), SampleMoments.Covariance(chain));
    }

    /// <summary>
    /// The index of the proposal the chain holds after each iteration, and the number of accepted moves.
    /// Iteration t proposes proposal t, except at the starting proposal, which is the initial state.
    /// </summary>
    private static (int[] States, int Accepted) Chain(double[] ratios, int seed)
    {
        // Stream 1, so the uniforms are unrelated to the stream systematic resampling draws for the same seed.
        var random = new Xoshiro256StarStar(seed, 1);
        int current = Array.FindIndex(ratios, double.IsFinite);
        var states = new int[ratios.Length];
        int accepted = 0;
        for (int t = 0; t < ratios.Length; t++)
        {
            if (t != current && Accept(ratios[t] - ratios[current], random))
            {
                current = t;
                accepted++;
            }
            states[t] = current;
        }
        return (states, accepted);
    }

    /// <summary>
    /// Accepts with probability min(1, exp(logAlpha)), comparing in log space so huge ratios cannot
    /// overflow; a -∞ or NaN logAlpha (a non-finite proposal) is always rejected.
    /// </summary>
    private static bool Accept(double logAlpha, Xoshiro256StarStar random)
    {
        if (logAlpha >= 0)
        {
            return true;
        }
        // 1 - U lies in (0, 1], so its log is finite and the comparison is exact at the boundary.
        return !double.IsNaN(logAlpha) && Math.Log(1 - random.NextDouble()) < logAlpha;
    }

    private static double[,] KeptRows(double[,] proposals, int[] states, int burnIn)
    {
        int n = states.Length - burnIn, d = proposals.GetLength(1);
        var chain = new double[n, d];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++)
            {
                chain[i, j] = proposals[states[burnIn + i], j];
            }
        }
        return chain;
    }
}
