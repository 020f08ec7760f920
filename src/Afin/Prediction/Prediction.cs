namespace Afin.Prediction;

/// <summary>The posterior predictive distribution of one new observation, summarised.</summary>
/// <param name="Mean">
/// The predictive mean of y: the probability P(y = 1) for Bernoulli rows, the expected count for binomial and Poisson
/// rows, the predictive location for Student-t rows (its mean where df &gt; 1).
/// </param>
/// <param name="Lower">The lower end of the central interval at the requested level, observation noise included.</param>
/// <param name="Upper">The upper end of that interval. For counts and labels both ends are values y can take.</param>
/// <param name="Probability">P(y = 1) for <c>bernoulli_logit</c> rows; null for the other families.</param>
public sealed record Prediction(double Mean, double Lower, double Upper, double? Probability);
