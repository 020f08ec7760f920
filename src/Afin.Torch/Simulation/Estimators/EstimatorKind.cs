namespace Afin.Simulation.Estimators;

/// <summary>The amortized method behind a <see cref="SimulationEstimator"/>.</summary>
public enum EstimatorKind
{
    /// <summary>Neural Bayes estimator: point estimates and quantiles trained by their Bayes risks.</summary>
    NeuralBayes,

    /// <summary>Neural posterior estimation: a conditional density q(theta | data) trained by forward KL.</summary>
    NeuralPosterior,

    /// <summary>Neural ratio estimation: a classifier whose logit is log p(data | theta) / p(data), times the prior.</summary>
    NeuralRatio,
}
