using System.Diagnostics;
using Afin.Modelling;
using Afin.References;

namespace Afin.Inference;

/// <summary>
/// The last tier of Auto: NUTS on the exact posterior, started at the AFIN mean with the AFIN
/// variances as the initial inverse metric, so that even a poor AFIN answer saves NUTS the search
/// for the typical set and for the posterior's scales.
/// </summary>
internal static class NutsFallback
{
    /// <summary>The run and what it was started from.</summary>
    /// <param name="Result">The NUTS run.</param>
    /// <param name="StartedAtAfinMean">Whether the chains started at the AFIN mean (otherwise Stan's random start).</param>
    /// <param name="AfinMetric">Whether the AFIN variances seeded the metric (otherwise the identity).</param>
    /// <param name="Elapsed">The time of the run.</param>
    internal sealed record Run(NutsResult Result, bool StartedAtAfinMean, bool AfinMetric, TimeSpan Elapsed);

    internal static Run Sample(InferenceContext context)
    {
        context.CancellationToken.ThrowIfCancellationRequested();
        var density = context.Problem.LogDensity();
        var start = StartingPoint(density, context.Posterior.Mean);
        var metric = StartingMetric(context.Posterior.Covariance);
        var options = context.Options.Nuts with { InitialPoint = start, InitialInverseMetric = metric, Seed = context.Options.Seed };
        var clock = Stopwatch.StartNew();
        var result = NutsSampler.Sample(density, options, cancellationToken: context.CancellationToken);
        return new Run(result, start is not null, metric is not null, clock.Elapsed);
    }

    /// <summary>The AFIN mean when the log density and its gradient are finite there; otherwise null (Stan's random start).</summary>
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

    /// <summary>The AFIN marginal variances when all are finite and positive; otherwise null (the identity).</summary>
    private static double[]? StartingMetric(double[,] covariance)
    {
        var variances = Enumerable.Range(0, covariance.GetLength(0)).Select(i => covariance[i, i]).ToArray();
        return variances.All(v => double.IsFinite(v) && v > 0) ? variances : null;
    }
}
