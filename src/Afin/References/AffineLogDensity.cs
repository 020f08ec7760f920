using Afin.Modelling;

namespace Afin.References;

/// <summary>
/// A log density seen through the affine map z = m + L u: log p(u) = log p(m + L u) (the Jacobian is constant) with
/// gradient Lᵀ ∇log p(z). NUTS on u with a covariance factor L of the posterior samples a nearly isotropic target, which
/// a diagonal metric cannot give it when the coordinates of z are strongly correlated.
/// </summary>
internal sealed class AffineLogDensity : ILogDensity
{
    private readonly ILogDensity _inner;
    private readonly double[] _shift;
    private readonly double[,] _factor;
    private readonly double[] _z, _gradientZ;

    /// <param name="inner">The density of z.</param>
    /// <param name="shift">m.</param>
    /// <param name="factor">L, lower triangular (d x d).</param>
    internal AffineLogDensity(ILogDensity inner, double[] shift, double[,] factor)
    {
        _inner = inner;
        _shift = shift;
        _factor = factor;
        _z = new double[inner.Dimension];
        _gradientZ = new double[inner.Dimension];
    }

    public int Dimension => _inner.Dimension;

    public double Evaluate(ReadOnlySpan<double> u, Span<double> gradient)
    {
        ToZ(u, _z);
        double value = _inner.Evaluate(_z, _gradientZ);
        int d = Dimension;
        for (int j = 0; j < d; j++)
        {
            double sum = 0;
            for (int i = j; i < d; i++)
            {
                sum += _factor[i, j] * _gradientZ[i];
            }
            gradient[j] = sum;
        }
        return value;
    }

    /// <summary>z = m + L u.</summary>
    internal void ToZ(ReadOnlySpan<double> u, Span<double> z)
    {
        int d = Dimension;
        for (int i = 0; i < d; i++)
        {
            double sum = _shift[i];
            for (int j = 0; j <= i; j++)
            {
                sum += _factor[i, j] * u[j];
            }
            z[i] = sum;
        }
    }

    public ILogDensity CreateWorker() => new AffineLogDensity(_inner.CreateWorker(), _shift, _factor);
}
