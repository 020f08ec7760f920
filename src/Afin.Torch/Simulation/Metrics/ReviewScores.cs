namespace Afin.Simulation.Metrics;

/// <summary>
/// The scores of one method on the review's Gaussian-process benchmark table, as <see cref="ReviewMetrics.Compute"/>
/// defines them (docs: review-benchmark.md). Lower is better for all but <see cref="Cov90"/>, which should be near 0.9.
/// </summary>
/// <param name="Fields">The number of test fields scored.</param>
/// <param name="Rmspe">sqrt(median over fields of (estimate - theta)^2).</param>
/// <param name="Mape">Median over fields of |estimate - theta|.</param>
/// <param name="Is90">Median over fields of the 90% interval score.</param>
/// <param name="Cov90">Mean over fields of 1{lower &lt; theta &lt; upper}.</param>
/// <param name="Crps">Median over fields of the sample CRPS mean|theta - s| - 0.5 mean|s - s'|; NaN without samples.</param>
/// <param name="CrpsReferenceCode">Median over fields of 0.5 mean|theta - s|: what the review's published script
/// computes (its second term compares theta, not a second sample, with the shuffled samples, so it equals half the
/// first); NaN without samples. Kept to compare against the published column.</param>
public sealed record ReviewScores(int Fields, double Rmspe, double Mape, double Is90, double Cov90, double Crps, double CrpsReferenceCode);
