using System.Diagnostics;
using Afin.Modelling;
using Afin.Numerics;
using Afin.References;

namespace Afin.Inference;

/// <summary>
/// The last tier of Auto: NUTS on the exact posterior, started at the AFIN mean with the AFIN variances as the initial
/// inverse metric (or, where the network did not run, at the Laplace mode with the Laplace variances), so that even a
/// poor approximation saves NUTS the search for the typical set and for the posterior's scales. Where the approximation
/// says coordinates are correlated, NUTS runs in the coordinates its covariance whitens instead. Started so, it needs a
/// shorter warmup, and it draws in rounds until its Monte Carlo error meets the same bar as an importance-sampling answer.
/// </summary>
internal static class NutsFallback
{
    /// <summary>The run and what it was started from.</summary>
    /// <param name="Result">The NUTS run.</param>
    /// <param name="Start">What the start and metric came from: "AFIN" or "Laplace"; null when neither was available.</param>
    /// <param name="StartedAtMean">Whether the chains started at that approximation's mean (otherwise Stan's random start).</param>
    /// <param name="SeededMetric">Whether its variances seeded the metric (otherwise the identity).</param>
    /// <param name="Elapsed">The time of the run.</param>
    internal sealed record Run(NutsResult Result, string? Start, bool StartedAtMean, bool SeededMetric, TimeSpan Elapsed)
    {
        /// <summary>Whether NUTS ran in the coordinates whitened by the approximation's covariance (u with z = mean + L u).</summary>
        public bool Whitened { get; init; }
    }

    internal static Run Sample(InferenceContext context, ProposalSearch.Outcome search)
    {
        context.CancellationToken.ThrowIfCancellationRequested();
        var options = context.Options;
        var density = context.Problem.LogDensity();
        var (source, mean, covariance) = context.Posterior is { } q ? ("AFIN", q.Mean, q.Covariance)
            : search.Laplace is { } laplace ? ("Laplace", laplace.Mode, laplace.Covariance)
            : ((string?)null, (double[]?)null, (double[,]?)null);
        var start = mean is null ? null : StartingPoint(density, mean);
        var clock = Stopwatch.StartNew();
        if (start is not null && covariance is not null && MaxCorrelation(covariance) >= WhiteningCorrelation && CholeskyFactor(covariance) is { } factor)
        {
            // Whitened: NUTS on u with z = mean + L u, started at u = 0, so correlated coordinates cost it no extra steps.
            var whitened = new AffineLogDensity(density, start, factor);
            var round = FirstRound(options, fromApproximation: true);
            // Whitened, the metric is the identity by construction and only the step size is left to learn: half the warmup.
            var inWhitened = round with { Warmup = Math.Max(1, round.Warmup / 2), InitialPoint = new double[start.Length], InitialInverseMetric = null };
            // Each round is judged on its draws mapped back to z; the last round's mapping is the answer (the sampler
            // asks after every round, the last one included), so neither the mapping nor its diagnostics are redone.
            NutsResult? inZ = null;
            NutsSampler.SampleInRounds(whitened, inWhitened, r => MoreDraws(inZ = r.MapDraws(whitened), options),
                cancellationToken: context.CancellationToken);
            return new Run(inZ!, source, StartedAtMean: true, SeededMetric: true, clock.Elapsed) { Whitened = true };
        }
        var metric = covariance is null ? null : StartingMetric(covariance);
        var first = FirstRound(options, fromApproximation: start is not null || metric is not null) with { InitialPoint = start, InitialInverseMetric = metric };
        var result = NutsSampler.SampleInRounds(density, first, r => MoreDraws(r, options), cancellationToken: context.CancellationToken);
        return new Run(result, source, start is not null, metric is not null, clock.Elapsed);
    }

    /// <summary>
    /// The first round: a quarter of the configured draws per chain, after the short warmup of
    /// <see cref="AutoInferenceOptions.FallbackWarmup"/> when an approximation gives the start or the scales.
    /// </summary>
    private static NutsOptions FirstRound(AutoInferenceOptions options, bool fromApproximation)
    {
        var nuts = options.Nuts;
        return nuts with
        {
            Warmup = fromApproximation ? Math.Min(options.FallbackWarmup, nuts.Warmup) : nuts.Warmup,
            Draws = Math.Max(1, nuts.Draws / 4),
            Seed = options.Seed,
        };
    }

    /// <summary>
    /// More draws per chain until every mean's Monte Carlo error meets <see cref="AutoInferenceOptions.MonteCarloBar"/>,
    /// the chains agree (R-hat) and the bulk ESS reaches 100 per chain, at most <see cref="NutsOptions.Draws"/> in all;
    /// 0 when they do or the cap is reached. Divergences are not waited on: more draws do not remove them.
    /// </summary>
    internal static int MoreDraws(NutsResult result, AutoInferenceOptions options)
    {
        int cap = options.Nuts.Draws, current = result.DrawsPerChain;
        double error = MaxRelativeMonteCarloError(result), bar = options.MonteCarloBar(result.Dimension);
        var summary = NutsSummary.From(result);
        bool mixed = summary.MaxRHat <= NutsSummary.RHatThreshold && summary.MinBulkEss >= NutsSummary.EssPerChainThreshold * summary.Chains;
        if (current >= cap || (error <= bar && mixed))
        {
            return 0;
        }
        // The error falls as n^(-1/2); a quarter more for the noise of its estimate; chains that disagree get twice the draws.
        double needed = double.IsFinite(error) ? current * Math.Pow(error / bar, 2) * 1.25 : cap;
        if (!mixed)
        {
            needed = Math.Max(needed, 2.0 * current);
        }
        return (int)Math.Clamp(Math.Ceiling(needed) - current, 1, cap - current);
    }

    /// <summary>The largest Monte Carlo standard error of a mean over the coordinates, in posterior sd (infinite when a variance is not positive).</summary>
    private static double MaxRelativeMonteCarloError(NutsResult result)
    {
        double max = 0;
        for (int i = 0; i < result.Dimension; i++)
        {
            double relative = result.MeanMcse[i] / Math.Sqrt(result.Variance[i]);
            max = Math.Max(max, double.IsFinite(relative) ? relative : double.PositiveInfinity);
        }
        return max;
    }

    /// <summary>
    /// The largest posterior correlation from which NUTS runs whitened. Below it a diagonal metric serves as well, and
    /// whitening by a Gaussian's covariance only risks a worse geometry where the posterior is not Gaussian (on the
    /// realistic suite's normal-means problems, under Student-t priors, it made the runs slower).
    /// </summary>
    private const double WhiteningCorrelation = 0.3;

    /// <summary>The largest |correlation| between two coordinates of the covariance (0 in one dimension).</summary>
    private static double MaxCorrelation(double[,] covariance)
    {
        int d = covariance.GetLength(0);
        double max = 0;
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < i; j++)
            {
                double scale = Math.Sqrt(covariance[i, i] * covariance[j, j]);
                if (scale > 0)
                {
                    max = Math.Max(max, Math.Abs(covariance[i, j]) / scale);
                }
            }
        }
        return max;
    }

    /// <summary>The lower Cholesky factor of the covariance (upper triangle zero), or null when it is not finite and positive definite.</summary>
    private static double[,]? CholeskyFactor(double[,] covariance)
    {
        int d = covariance.GetLength(0);
        var rowMajor = covariance.Cast<double>().ToArray();
        if (!DenseCholesky.Factor(rowMajor, d))
        {
            return null;
        }
        var l = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                l[i, j] = rowMajor[i * d + j];
            }
        }
        return l;
    }

    /// <summary>The mean when the log density and its gradient are finite there; otherwise null (Stan's random start).</summary>
    private static double[]? StartingPoint(ILogDensity density, double[] mean)
    {
        if (!mean.All(double.IsFinite))
        {
            return null;
        }
        var gradient = new double[mean.Length];
        double value = density.Evaluate(mean, gradient);
        return double.IsFinite(value) && gradient.All(double.IsFinite) ? (double[])mean.Clone() : null;
    }

    /// <summary>The marginal variances when all are finite and positive; otherwise null (the identity).</summary>
    private static double[]? StartingMetric(double[,] covariance)
    {
        var variances = Enumerable.Range(0, covariance.GetLength(0)).Select(i => covariance[i, i]).ToArray();
        return variances.All(v => double.IsFinite(v) && v > 0) ? variances : null;
    }
}
