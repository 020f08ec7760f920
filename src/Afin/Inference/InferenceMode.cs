namespace Afin.Inference;

/// <summary>What <see cref="AfinInference"/> is asked to do with a problem.</summary>
public enum InferenceMode
{
    /// <summary>The AFIN posterior alone, one forward pass, unchecked: the fastest answer and the only one without importance weights.</summary>
    Amortized,

    /// <summary>
    /// The AFIN posterior corrected by Pareto-smoothed self-normalised importance sampling (SNIS),
    /// always, with k-hat and the effective sample size reported (and a warning when they fail).
    /// </summary>
    Corrected,

    /// <summary>
    /// The tiered safety net: the AFIN posterior when its importance weights show it is already
    /// close, the SNIS correction when the weights are reliable, and NUTS, started from the AFIN
    /// posterior, when they are not (see <see cref="AutoInferenceOptions"/>).
    /// </summary>
    Auto,

    /// <summary>
    /// The Laplace approximation, no network and no check: a Gaussian at the posterior mode (damped Newton) with the
    /// inverse curvature there as its covariance (see <see cref="Afin.Laplace.LaplaceApproximation"/>). Exact for
    /// conjugate problems, close for log-concave ones with many observations, and blind to skew and to other modes.
    /// </summary>
    Laplace,
}
