using Afin.Modelling;

namespace Afin.Canonical;

/// <summary>
/// An invertible affine reparameterisation z = m + L u, with L and L⁻¹ held as dense row-major d x d matrices. Every factor
/// of our problems depends on z through linear predictors x·z, which become (Lᵀx)·u + x·m: the same family in u.
/// </summary>
internal sealed class AffineMap
{
    private readonly double[] _linear;
    private readonly double[] _inverse;

    private AffineMap(double[] shift, double[] linear, double[] inverse, double logDeterminant)
    {
        Shift = shift;
        _linear = linear;
        _inverse = inverse;
        LogDeterminant = logDeterminant;
    }

    internal int Dimension => Shift.Length;

    /// <summary>m, the point u = 0 maps to.</summary>
    internal double[] Shift { get; }

    /// <summary>log |det L|: log q_z(z) = log q_u(u) - this.</summary>
    internal double LogDeterminant { get; }

    /// <summary>L, row-major.</summary>
    internal ReadOnlySpan<double> Linear => _linear;

    /// <summary>z = m + diag(scale) u.</summary>
    internal static AffineMap Diagonal(double[] shift, double[] scale)
    {
        int d = shift.Length;
        var linear = new double[d * d];
        var inverse = new double[d * d];
        for (int i = 0; i < d; i++)
        {
            linear[i * d + i] = scale[i];
            inverse[i * d + i] = 1 / scale[i];
        }
        return new AffineMap((double[])shift.Clone(), linear, inverse, scale.Sum(Math.Log));
    }

    /// <summary>
    /// z = m + C⁻ᵀ u for the lower Cholesky factor C of a precision H = C Cᵀ: then L Lᵀ = H⁻¹, and u = Cᵀ(z - m) is
    /// N(0, I) under N(m, H⁻¹).
    /// </summary>
    internal static AffineMap Whitening(double[] shift, ReadOnlySpan<double> precisionFactor)
    {
        int d = shift.Length;
        var inverse = new double[d * d];
        double logDet = 0;
        for (int i = 0; i < d; i++)
        {
            logDet -= Math.Log(precisionFactor[i * d + i]);
            for (int j = 0; j <= i; j++)
            {
                inverse[j * d + i] = precisionFactor[i * d + j];
            }
        }
        return new AffineMap((double[])shift.Clone(), UpperTriangularInverse(inverse, d), inverse, logDet);
    }

    /// <summary>z = m + L u for each row of <paramref name="u"/>.</summary>
    internal double[,] ToLatent(double[,] u)
    {
        int count = u.GetLength(0), d = Dimension;
        var z = new double[count, d];
        var row = new double[d];
        for (int n = 0; n < count; n++)
        {
            for (int j = 0; j < d; j++)
            {
                row[j] = u[n, j];
            }
            for (int i = 0; i < d; i++)
            {
                z[n, i] = Shift[i] + Matrix.Dot(_linear.AsSpan(i * d, d), row);
            }
        }
        return z;
    }

    /// <summary>u = L⁻¹(z - m) for each row of <paramref name="z"/>.</summary>
    internal double[,] ToCanonical(double[,] z)
    {
        int count = z.GetLength(0), d = Dimension;
        var u = new double[count, d];
        var centred = new double[d];
        for (int n = 0; n < count; n++)
        {
            for (int j = 0; j < d; j++)
            {
                centred[j] = z[n, j] - Shift[j];
            }
            for (int i = 0; i < d; i++)
            {
                u[n, i] = Matrix.Dot(_inverse.AsSpan(i * d, d), centred);
            }
        }
        return u;
    }

    /// <summary>Lᵀx: the design row a linear predictor x·z has in u.</summary>
    internal double[] TransposeTimes(ReadOnlySpan<double> x)
    {
        int d = Dimension;
        var result = new double[d];
        for (int i = 0; i < d; i++)
        {
            Matrix.AddScaled(result, x[i], _linear.AsSpan(i * d, d));
        }
        return result;
    }

    /// <summary>x·m: the offset a linear predictor x·z gains in u.</summary>
    internal double ShiftOf(ReadOnlySpan<double> x) => Matrix.Dot(x, Shift);

    /// <summary>L⁻¹ v (a direction, no shift).</summary>
    internal double[] InverseTimes(ReadOnlySpan<double> v)
    {
        int d = Dimension;
        var result = new double[d];
        for (int i = 0; i < d; i++)
        {
            result[i] = Matrix.Dot(_inverse.AsSpan(i * d, d), v);
        }
        return result;
    }

    /// <summary>Lᵀ A L for a symmetric d x d matrix A (a precision in z becomes one in u).</summary>
    internal double[,] Congruence(double[,] a) => Sandwich(a, transposed: false);

    /// <summary>L C Lᵀ for a symmetric d x d matrix C (a covariance of u becomes one of z).</summary>
    internal double[,] PushForward(double[,] covariance) => Sandwich(covariance, transposed: true);

    /// <summary>Mᵀ A M with M = L, or M = Lᵀ when <paramref name="transposed"/>; symmetric by construction.</summary>
    private double[,] Sandwich(double[,] a, bool transposed)
    {
        int d = Dimension;
        double M(int i, int j) => transposed ? _linear[j * d + i] : _linear[i * d + j];
        var am = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                double s = 0;
                for (int k = 0; k < d; k++)
                {
                    s += a[i, k] * M(k, j);
                }
                am[i, j] = s;
            }
        }
        var result = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double s = 0;
                for (int k = 0; k < d; k++)
                {
                    s += M(k, i) * am[k, j];
                }
                result[i, j] = result[j, i] = s;
            }
        }
        return result;
    }

    /// <summary>The inverse of an upper-triangular row-major matrix, by back substitution column by column.</summary>
    private static double[] UpperTriangularInverse(double[] upper, int d)
    {
        var result = new double[d * d];
        for (int c = 0; c < d; c++)
        {
            for (int i = c; i >= 0; i--)
            {
                double s = i == c ? 1 : 0;
                for (int k = i + 1; k <= c; k++)
                {
                    s -= upper[i * d + k] * result[k * d + c];
                }
                result[i * d + c] = s / upper[i * d + i];
            }
        }
        return result;
    }
}
