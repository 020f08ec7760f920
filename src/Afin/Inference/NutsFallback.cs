using System.Diagnostics;
using Afin.Modelling;
using Afin.Numerics;
using Afin.References;

namespace Afin.Inference;

/// <summary>
/// The last tier of Auto: NUTS on the exact posterior, started at the AFIN mean with the AFIN variances as the initial
/// inverse metric (or, where the network did not run, at the Laplace mode with the Laplace variances), so that even a
/// poor approximation saves NUTS the search for the typical set and for the posterior's scales. Where the approximation
/// says coordinates are correlated, NUTS runs in the coordinates its covariance whitens instead.
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
            var inWhitened = context.Options.Nuts with { InitialPoint = new double[start.Length], InitialInverseMetric = null, Seed = context.Options.Seed };
            var run = NutsSampler.Sample(whitened, inWhitened, cancellationToken: context.CancellationToken);
            return new Run(run.MapDraws(whitened), source, StartedAtMean: true, SeededMetric: true, clock.Elapsed) { Whitened = true };
        }
        var metric = covariance is null ? null : StartingMetric(covariance);
        var options = context.Options.Nuts with { InitialPoint = start, InitialInverseMetric = metric, Seed = context.Options.Seed };
        var result = NutsSampler.Sample(density, options, cancellationToken: context.CancellationToken);
        return new Run(result, source, start is not null, metric is not null, clock.Elapsed);
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
