namespace Afin.Laplace;

/// <summary>Which curvature at the mode becomes the precision of a <see cref="LaplacePosterior"/>.</summary>
public enum LaplaceCurvature
{
    /// <summary>
    /// The observed curvature (the negative Hessian of the log posterior) when it is positive definite, which it is
    /// for every log-concave problem; the expected information otherwise (Student-t residuals far in the tails can
    /// make the observed one indefinite at the mode).
    /// </summary>
    Auto,

    /// <summary>The observed curvature, with any eigenvalue below 1e-8 of the largest raised to that floor.</summary>
    Observed,

    /// <summary>
    /// The expected (Fisher) information of every factor: the observed curvature for Gaussian and logit factors,
    /// (df + 1) / ((df + 3) scale²) per Student-t factor; always positive definite.
    /// </summary>
    ExpectedInformation,
}
