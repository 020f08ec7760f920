namespace Afin.Simulation.Estimators;

/// <summary>
/// What an estimator says about theta for one data set, per parameter: mean, median and a central credible interval,
/// plus posterior draws when the method produces them (NPE, NRE). NaN marks a figure the method does not give (an
/// estimator trained without a mean target has no mean).
/// </summary>
/// <param name="Mean">Posterior means.</param>
/// <param name="Median">Posterior medians.</param>
/// <param name="Lower">Lower ends of the credible intervals.</param>
/// <param name="Upper">Upper ends of the credible intervals.</param>
/// <param name="CredibleLevel">The intervals' probability (0.9 for 5% to 95%).</param>
/// <param name="Samples">Posterior draws (draw x parameter), or null.</param>
public sealed record SimulationPosteriorSummary(double[] Mean, double[] Median, double[] Lower, double[] Upper, double CredibleLevel, double[][]? Samples)
{
    /// <summary>Summarises posterior draws: mean, median and the central interval of <paramref name="level"/>.</summary>
    public static SimulationPosteriorSummary FromSamples(double[][] samples, double level)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Length == 0)
        {
            throw new ArgumentException("at least one draw is needed", nameof(samples));
        }
        int p = samples[0].Length;
        var mean = new double[p];
        var median = new double[p];
        var lower = new double[p];
        var upper = new double[p];
        var column = new double[samples.Length];
        for (int j = 0; j < p; j++)
        {
            for (int s = 0; s < samples.Length; s++)
            {
                column[s] = samples[s][j];
            }
            Array.Sort(column);
            mean[j] = column.Average();
            median[j] = Afin.Metrics.EmpiricalQuantile.Type7Sorted(column, 0.5);
            lower[j] = Afin.Metrics.EmpiricalQuantile.Type7Sorted(column, (1 - level) / 2);
            upper[j] = Afin.Metrics.EmpiricalQuantile.Type7Sorted(column, (1 + level) / 2);
        }
        return new SimulationPosteriorSummary(mean, median, lower, upper, level, samples);
    }
}
