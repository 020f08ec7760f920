namespace Afin.Laplace;

/// <summary>
/// The Laplace approximation of a posterior: N(mode, H^-1), with H the curvature of the negative log posterior at its
/// mode, and how the search for the mode ended. Exact for conjugate problems.
/// </summary>
public sealed class LaplacePosterior
{
    private readonly double[] _precisionFactor;

    internal LaplacePosterior(double[] mode, double[,] precision, double[] precisionFactor, double[,] covariance,
        LaplaceCurvature curvature, bool converged, int iterations, string message, double logDensityAtMode, double logMarginalLikelihood)
    {
        Mode = mode;
        Precision = precision;
        _precisionFactor = precisionFactor;
        Covariance = covariance;
        Curvature = curvature;
        Converged = converged;
        Iterations = iterations;
        Message = message;
        LogDensityAtMode = logDensityAtMode;
        LogMarginalLikelihood = logMarginalLikelihood;
    }

    /// <summary>The dimension d.</summary>
    public int Dimension => Mode.Length;

    /// <summary>The posterior mode (the mean of the approximation), length d.</summary>
    public double[] Mode { get; }

    /// <summary>The curvature H at the mode (the approximation's precision), d x d, symmetric positive definite.</summary>
    public double[,] Precision { get; }

    /// <summary>H^-1, the approximation's covariance, d x d.</summary>
    public double[,] Covariance { get; }

    /// <summary>The standard deviations, the square roots of the covariance's diagonal.</summary>
    public double[] StdDev => Enumerable.Range(0, Mode.Length).Select(i => Math.Sqrt(Covariance[i, i])).ToArray();

    /// <summary>Which curvature became the precision: <see cref="LaplaceCurvature.Observed"/> or <see cref="LaplaceCurvature.ExpectedInformation"/>.</summary>
    public LaplaceCurvature Curvature { get; }

    /// <summary>Whether Newton's method met its tolerance; when false, <see cref="Message"/> says where it stopped and the mode is the best point found.</summary>
    public bool Converged { get; }

    /// <summary>Newton iterations over all starts.</summary>
    public int Iterations { get; }

    /// <summary>One sentence on how the search ended and which curvature was used.</summary>
    public string Message { get; }

    /// <summary>The exact log joint density log p(mode, y) (the Laplace prior's kink not smoothed).</summary>
    public double LogDensityAtMode { get; }

    /// <summary>The Laplace estimate of the log evidence: log p(mode, y) + d/2 log 2 pi - 1/2 log det H; exact for conjugate problems.</summary>
    public double LogMarginalLikelihood { get; }

    /// <summary>The lower Cholesky factor C of the precision (H = C C^T), row-major d x d; u = C^T (z - mode) whitens z.</summary>
    internal ReadOnlySpan<double> PrecisionFactor => _precisionFactor;
}
