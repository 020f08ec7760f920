namespace Afin.Prediction;

/// <summary>How well predictions did on rows whose values were observed (held-out rows).</summary>
/// <param name="Rows">The rows scored.</param>
/// <param name="NegativeLogLikelihood">Mean over rows of -log p(y) under each row's predictive distribution (lower is better).</param>
/// <param name="Coverage">The share of rows whose y lies in its central interval (inclusive ends).</param>
/// <param name="Accuracy">For <c>bernoulli_logit</c> rows: the share whose label is the more probable one (P(y = 1) ≥ 0.5 predicts 1); else null.</param>
public sealed record PredictionScores(int Rows, double NegativeLogLikelihood, double Coverage, double? Accuracy);
