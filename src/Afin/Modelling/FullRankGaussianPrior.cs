using MathNet.Numerics.LinearAlgebra;

namespace Afin.Modelling;

/// <summary>Correlated Gaussian prior z ~ N(loc, precision^-1), stated by its precision matrix.</summary>
public sealed class FullRankGaussianPrior : Prior
{
    private const double HalfLog2Pi = 0.91893853320467274178;
    private readonly double[] _precision;
    private readonly double _logNormaliser;

    /// <summary>Creates the prior; <paramref name="loc"/> has length 1 (broadcast) or d and <paramref name="precision"/> is d x d, symmetric positive definite.</summary>
    public FullRankGaussianPrior(double[] loc, double[,] precision) : base(loc)
    {
        Precision = precision ?? throw new ArgumentNullException(nameof(precision));
        _precision = Matrix.ToRowMajor(precision);
    }

    private FullRankGaussianPrior(double[] loc, double[,] precision, double logDetPrecision) : this(loc, precision)
    {
        _logNormaliser = 0.5 * logDetPrecision - loc.Length * HalfLog2Pi;
    }

    /// <inheritdoc />
    public override string Family => "full_rank_gaussian";

    /// <summary>The d x d precision (inverse covariance) matrix.</summary>
    public double[,] Precision { get; }

    internal override DimensionEvidence? ImpliedDimension =>
        new(Precision.GetLength(0), $"precision is {Precision.GetLength(0)} x {Precision.GetLength(1)}");

    internal override Prior Resolve(int d)
    {
        var loc = ResolveVector("loc", Loc, d, false);
        if (Precision.GetLength(0) != d || Precision.GetLength(1) != d)
        {
            throw new ProblemValidationException("prior.precision", $"expected a {d} x {d} matrix, got {Precision.GetLength(0)} x {Precision.GetLength(1)}");
        }
        Check.Finite("prior.precision", _precision);
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < i; j++)
            {
                double a = Precision[i, j], b = Precision[j, i];
                if (Math.Abs(a - b) > 1e-9 * Math.Max(1, Math.Max(Math.Abs(a), Math.Abs(b))))
                {
                    throw new ProblemValidationException($"prior.precision[{i}][{j}]", $"expected a symmetric matrix, but [{i}][{j}] = {Check.Format(a)} and [{j}][{i}] = {Check.Format(b)}");
                }
            }
        }
        double logDet = LogDeterminantIfPositiveDefinite(Precision)
            ?? throw new ProblemValidationException("prior.precision", "expected a symmetric positive definite matrix");
        return new FullRankGaussianPrior(loc, (double[,])Precision.Clone(), logDet);
    }

    /// <summary>
    /// The location, and precision entries within the precisions of the scales every other prior accepts
    /// (<see cref="NumericLimits"/>): beyond them a prior variance or the precision times the location overflows, or the
    /// prior's information underflows to nothing.
    /// </summary>
    internal override void CheckLimits()
    {
        base.CheckLimits();
        int d = Loc.Length;
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                double p = Precision[i, j];
                if (Math.Abs(p) > NumericLimits.MaxPrecision)
                {
                    throw new ProblemValidationException($"prior.precision[{i}][{j}]",
                        $"expected a magnitude of at most {Check.Format(NumericLimits.MaxPrecision)} (the precision of a scale of {Check.Format(NumericLimits.MinScale)}), got {Check.Format(p)}");
                }
                if (i == j && p < NumericLimits.MinPrecisionDiagonal)
                {
                    throw new ProblemValidationException($"prior.precision[{i}][{i}]",
                        $"expected a diagonal entry of at least {Check.Format(NumericLimits.MinPrecisionDiagonal)} (the precision of a scale of {Check.Format(NumericLimits.MaxScale)}), got {Check.Format(p)}");
                }
            }
        }
    }

    /// <summary>log det of a symmetric matrix that is positive definite in double precision (Cholesky succeeds), else null.</summary>
    internal static double? LogDeterminantIfPositiveDefinite(double[,] matrix)
    {
        try
        {
            double logDet = Matrix<double>.Build.DenseOfArray(matrix).Cholesky().DeterminantLn;
            return double.IsFinite(logDet) ? logDet : null;
        }
        catch (ArgumentException)
        {
            // MathNet reports a failed Cholesky factorisation (not positive definite) this way.
            return null;
        }
    }

    internal override double AddLogDensity(ReadOnlySpan<double> z, Span<double> gradient)
    {
        int d = z.Length;
        double quad = 0;
        for (int i = 0; i < d; i++)
        {
            // g_i = -(P (z - loc))_i
            double g = 0;
            var row = _precision.AsSpan(i * d, d);
            for (int j = 0; j < d; j++)
            {
                g += row[j] * (z[j] - Loc[j]);
            }
            quad += g * (z[i] - Loc[i]);
            gradient[i] -= g;
        }
        return _logNormaliser - 0.5 * quad;
    }

    internal override void AddCurvature(ReadOnlySpan<double> z, Span<double> curvature, CurvatureKind kind)
    {
        int d = z.Length;
        for (int i = 0; i < d; i++)
        {
            Matrix.AddScaled(curvature.Slice(i * d, i + 1), 1, _precision.AsSpan(i * d, i + 1));
        }
    }
}
