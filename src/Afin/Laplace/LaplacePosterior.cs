using Afin.Numerics;
using Afin.Simulation;

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

    /// <summary>
    /// Draws from N(mode, H^-1): z = mode + C^-T u with H = C C^T and u standard normal, from a managed generator, so
    /// no native library is loaded; the same seed gives the same draws on every machine.
    /// </summary>
    /// <param name="count">The number of draws, at least 0.</param>
    /// <param name="seed">Seeds the generator.</param>
    /// <returns>A new count x d matrix, one draw per row.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public double[,] Sample(int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        int d = Dimension;
        var random = new Random(seed);
        var draws = new double[count, d];
        var u = new double[d];
        for (int n = 0; n < count; n++)
        {
            for (int i = 0; i < d; i++)
            {
                u[i] = StandardNormal.Draw(random);
            }
            DenseCholesky.TransposedSolve(_precisionFactor, d, u);
            for (int i = 0; i < d; i++)
            {
                draws[n, i] = Mode[i] + u[i];
            }
        }
        return draws;
    }

    /// <summary>The lower Cholesky factor C of the precision (H = C C^T), row-major d x d; u = C^T (z - mode) whitens z.</summary>
    internal ReadOnlySpan<double> PrecisionFactor => _precisionFactor;
}
