namespace Afin.Inference;

/// <summary>Which method produced the posterior an <see cref="InferenceOutcome"/> returns.</summary>
public enum InferenceMethod
{
    /// <summary>The AFIN posterior itself: the mean and covariance of q.</summary>
    Amortized,

    /// <summary>Pareto-smoothed self-normalised importance sampling with the AFIN posterior as the proposal.</summary>
    ImportanceSampling,

    /// <summary>The No-U-Turn sampler, started from the AFIN posterior.</summary>
    Nuts,

    /// <summary>The Laplace approximation: the posterior mode and the inverse curvature there (<see cref="InferenceMode.Laplace"/>).</summary>
    Laplace,

    /// <summary>
    /// The closed-form posterior of a conjugate problem (Gaussian prior, linear or direct Gaussian observations with known
    /// noise; see <see cref="Modelling.BayesianProblem.IsConjugate"/>), which every mode but Amortized returns without the network.
    /// </summary>
    Exact,
}
