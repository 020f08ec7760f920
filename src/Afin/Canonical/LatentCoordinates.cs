namespace Afin.Canonical;

/// <summary>The coordinates a network sees a problem in (see docs/architecture.md, "Canonical coordinates").</summary>
public enum LatentCoordinates
{
    /// <summary>The problem as stated: z itself. Every model trained before canonical coordinates existed.</summary>
    Original,

    /// <summary>
    /// z = mode + s ⊙ u with s the Laplace approximation's standard deviations: each coordinate centred and scaled,
    /// priors still per coordinate; the posterior correlation is left for the network.
    /// </summary>
    Diagonal,

    /// <summary>
    /// z = mode + L u with L Lᵀ the Laplace covariance: the Laplace approximation becomes N(0, I) for every problem;
    /// Gaussian priors become full-rank Gaussian priors in u, Student-t and Laplace prior coordinates become sites.
    /// </summary>
    Full,
}
