namespace Afin.Inference;

/// <summary>Which distribution the importance weights of <see cref="InferenceMode.Corrected"/> and <see cref="InferenceMode.Auto"/> drew from.</summary>
public enum ImportanceProposal
{
    /// <summary>The AFIN posterior q.</summary>
    Afin,

    /// <summary>
    /// A multivariate Student-t at the Laplace approximation's mode with its covariance as the scale
    /// (<see cref="AutoInferenceOptions.LaplaceProposalDegreesOfFreedom"/>): the classic heavy-tailed proposal, good where
    /// the posterior is close to Gaussian and the network is not (a problem far from its training data).
    /// </summary>
    LaplaceStudentT,

    /// <summary>
    /// The defensive mixture ½ AFIN + ½ Laplace-t, weighted by the balance heuristic over the draws of both: its ratios
    /// are at most twice those of the better of the two wherever that one covers the posterior.
    /// </summary>
    Mixture,
}
