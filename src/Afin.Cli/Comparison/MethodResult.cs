namespace Afin.Cli.Comparison;

/// <summary>One method's posterior as <c>afin compare</c> scores and draws it.</summary>
/// <param name="Kind">Which method.</param>
/// <param name="Label">The name shown in the table and the legend.</param>
/// <param name="Mean">The posterior mean, length d.</param>
/// <param name="Covariance">The posterior covariance, d x d.</param>
/// <param name="Draws">Equally weighted draws, n x d, for the sample-based metrics and densities.</param>
/// <param name="IsGaussian">Whether the posterior is exactly N(Mean, Covariance), so that it is drawn analytically rather than by kernel density.</param>
/// <param name="Milliseconds">Wall time of the whole method.</param>
/// <param name="ParetoK">PSIS k-hat, for importance sampling only.</param>
/// <param name="EffectiveSampleSize">Kish's ESS for importance sampling, the smallest bulk ESS for NUTS; null otherwise.</param>
internal sealed record MethodResult(
    ComparisonMethodKind Kind, string Label, double[] Mean, double[,] Covariance, double[,] Draws, bool IsGaussian,
    double Milliseconds, double? ParetoK = null, double? EffectiveSampleSize = null)
{
    /// <summary>The marginal standard deviations, the square roots of the covariance's diagonal.</summary>
    internal double[] StandardDeviations => Enumerable.Range(0, Mean.Length).Select(i => Math.Sqrt(Covariance[i, i])).ToArray();
}
