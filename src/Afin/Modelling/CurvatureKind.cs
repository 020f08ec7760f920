namespace Afin.Modelling;

/// <summary>Which second-order information a factor adds to the curvature of the negative log posterior.</summary>
internal enum CurvatureKind
{
    /// <summary>The observed curvature, -d²/dz² log f at the point: exact, but negative where a factor is not log-concave (Student-t residuals beyond sqrt(df) scales).</summary>
    Observed,

    /// <summary>
    /// The expected (Fisher) information of the factor: equal to the observed curvature for Gaussian, logit and
    /// Poisson factors (canonical links), positive for Student-t ones ((df + 1) / ((df + 3) scale²)), so the sum is positive definite
    /// whenever the prior's is.
    /// </summary>
    Expected,

    /// <summary>
    /// The observed curvature with every factor's negative part set to 0: positive semi-definite factor by factor, and
    /// where a Student-t factor is locally convex it neither stiffens nor reverses a Newton step (the expected information
    /// would stiffen it: in a t prior's tail it is far larger than the true curvature, and Fisher scoring then crawls).
    /// </summary>
    Clipped,
}
