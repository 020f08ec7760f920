namespace Afin.Simulation.Estimators;

/// <summary>A neural Bayes estimator's output for one data set, per parameter.</summary>
/// <param name="Mean">Posterior means, or null when the estimator was trained without the mean target.</param>
/// <param name="QuantileLevels">The quantile levels, increasing.</param>
/// <param name="Quantiles">Quantiles[k][j]: the <c>QuantileLevels[k]</c> quantile of parameter j.</param>
public sealed record NeuralBayesEstimate(double[]? Mean, double[] QuantileLevels, double[][] Quantiles);
