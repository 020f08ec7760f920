namespace Afin.Simulation.Estimators;

/// <summary>The conditional density family of neural posterior estimation.</summary>
public enum PosteriorDensityKind
{
    /// <summary>A conditional neural spline flow (rational-quadratic splines, coupling for two or more parameters): flexible, the default.</summary>
    SplineFlow,

    /// <summary>A mixture of diagonal Gaussians (one component: a Gaussian posterior).</summary>
    GaussianMixture,
}
