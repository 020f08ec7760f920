using MathNet.Numerics;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using Afin.Numerics;

namespace Afin.Correction;

/// <summary>
/// A multivariate Student-t distribution t_ν(μ, Σ): a Gaussian whose scale is stretched per draw by √(ν / χ²_ν). Its
/// heavy tails make it a safe importance proposal around a Gaussian approximation (the Laplace approximation's mode and
/// covariance), since the importance ratios of a target with lighter tails stay bounded.
/// </summary>
public sealed class MultivariateStudentT : IImportanceProposal
{
    private readonly double[] _location;
    /// <summary>The lower Cholesky factor L of the scale, row-major, so that each row's products are one vectorised dot product.</summary>
    private readonly double[] _factor;
    private readonly double _logNormaliser;

    /// <summary>A t distribution with this location, scale matrix and degrees of freedom.</summary>
    /// <param name="location">The location μ (the mean when ν &gt; 1), length d.</param>
    /// <param name="scale">The scale matrix Σ, d x d, symmetric positive definite (the covariance is Σ ν / (ν - 2) for ν &gt; 2).</param>
    /// <param name="degreesOfFreedom">ν, finite and &gt; 0.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">
    /// The shapes disagree, a value is not finite, ν is not positive, or Σ is not positive definite;
    /// <see cref="ArgumentException.ParamName"/> names the argument.
    /// </exception>
    public MultivariateStudentT(double[] location, double[,] scale, double degreesOfFreedom)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(scale);
        int d = location.Length;
        if (d == 0 || scale.GetLength(0) != d || scale.GetLength(1) != d)
        {
            throw new ArgumentException($"scale is {scale.GetLength(0)} x {scale.GetLength(1)}; expected {d} x {d} (d > 0) to match location.", nameof(scale));
        }
        if (!location.All(double.IsFinite))
        {
            throw new ArgumentException("location must be finite.", nameof(location));
        }
        if (!(double.IsFinite(degreesOfFreedom) && degreesOfFreedom > 0))
        {
            throw new ArgumentException($"degreesOfFreedom must be finite and > 0, got {degreesOfFreedom}.", nameof(degreesOfFreedom));
        }
        _location = (double[])location.Clone();
        DegreesOfFreedom = degreesOfFreedom;
        _factor = CholeskyFactor(scale).ToRowMajorArray();
        double logDetFactor = DenseCholesky.HalfLogDeterminant(_factor, d);
        _logNormaliser = SpecialFunctions.GammaLn((degreesOfFreedom + d) / 2) - SpecialFunctions.GammaLn(degreesOfFreedom / 2)
            - d / 2.0 * Math.Log(degreesOfFreedom * Math.PI) - logDetFactor;
    }

    /// <summary>The t distribution with ν &gt; 2 whose covariance is <paramref name="covariance"/> (scale Σ (ν - 2) / ν).</summary>
    /// <exception cref="ArgumentException">ν is not above 2, or an argument is invalid as for the constructor.</exception>
    public static MultivariateStudentT FromCovariance(double[] mean, double[,] covariance, double degreesOfFreedom)
    {
        ArgumentNullException.ThrowIfNull(covariance);
        if (!(degreesOfFreedom > 2))
        {
            throw new ArgumentException($"degreesOfFreedom must exceed 2 for a finite covariance, got {degreesOfFreedom}.", nameof(degreesOfFreedom));
        }
        var scale = (double[,])covariance.Clone();
        double shrink = (degreesOfFreedom - 2) / degreesOfFreedom;
        for (int i = 0; i < scale.GetLength(0); i++)
        {
            for (int j = 0; j < scale.GetLength(1); j++)
            {
                scale[i, j] *= shrink;
            }
        }
        return new MultivariateStudentT(mean, scale, degreesOfFreedom);
    }

    /// <summary>The latent dimension d.</summary>
    public int Dimension => _location.Length;

    /// <summary>The degrees of freedom ν.</summary>
    public double DegreesOfFreedom { get; }

    /// <summary>The location μ (a copy).</summary>
    public double[] Location => (double[])_location.Clone();

    /// <summary>Draws <paramref name="count"/> points (rows); the same seed gives the same draws.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public double[,] Sample(int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var random = new Random(seed);
        int d = Dimension;
        var draws = new double[count, d];
        var normal = new double[d];
        var scaled = new double[d];
        for (int n = 0; n < count; n++)
        {
            for (int j = 0; j < d; j++)
            {
                normal[j] = Normal.Sample(random, 0, 1);
            }
            double stretch = Math.Sqrt(DegreesOfFreedom / ChiSquared.Sample(random, DegreesOfFreedom));
            DenseCholesky.LowerTimes(_factor, d, normal, scaled);
            for (int i = 0; i < d; i++)
            {
                draws[n, i] = _location[i] + stretch * scaled[i];
            }
        }
        return draws;
    }

    /// <summary>The normalised log density at every row of <paramref name="points"/> (n x d).</summary>
    /// <exception cref="ArgumentException">The points do not have d columns.</exception>
    public double[] LogDensity(double[,] points)
    {
        ArgumentNullException.ThrowIfNull(points);
        int count = points.GetLength(0), d = Dimension;
        if (points.GetLength(1) != d)
        {
            throw new ArgumentException($"points has {points.GetLength(1)} columns; expected d = {d}.", nameof(points));
        }
        var result = new double[count];
        var centred = new double[d];
        var work = new double[d];
        for (int n = 0; n < count; n++)
        {
            for (int i = 0; i < d; i++)
            {
                centred[i] = points[n, i] - _location[i];
            }
            double quadratic = DenseCholesky.ForwardSquaredNorm(_factor, d, centred, work);
            result[n] = _logNormaliser - (DegreesOfFreedom + d) / 2 * Math.Log(1 + quadratic / DegreesOfFreedom);
        }
        return result;
    }

    private static Matrix<double> CholeskyFactor(double[,] scale)
    {
        var matrix = Matrix<double>.Build.DenseOfArray(scale);
        if (!matrix.Enumerate().All(double.IsFinite))
        {
            throw new ArgumentException("scale must be finite.", nameof(scale));
        }
        Matrix<double> factor;
        try
        {
            factor = matrix.Cholesky().Factor;
        }
        catch (ArgumentException)
        {
            throw new ArgumentException("scale must be symmetric positive definite.", nameof(scale));
        }
        // A NaN pivot slips through the factorisation's own check.
        if (!Enumerable.Range(0, factor.RowCount).All(i => factor[i, i] > 0 && double.IsFinite(factor[i, i])))
        {
            throw new ArgumentException("scale must be symmetric positive definite.", nameof(scale));
        }
        return factor;
    }
}
