namespace Afin.Modelling;

/// <summary>Direct noisy observations of the whole latent vector: y_n ~ N(z, sigma_n^2 I), each y_n of length d.</summary>
public sealed class DirectGaussianBlock : ObservationBlock
{
    private const double HalfLog2Pi = 0.91893853320467274178;
    private readonly double[] _values;
    private readonly int _rows;
    private readonly int _columns;

    /// <summary>Creates the block from N observed d-vectors (one per row); <paramref name="sigma"/> has length 1 (broadcast) or N.</summary>
    public DirectGaussianBlock(double[,] y, double[] sigma)
    {
        ArgumentNullException.ThrowIfNull(y);
        Sigma = sigma ?? throw new ArgumentNullException(nameof(sigma));
        _rows = y.GetLength(0);
        _columns = y.GetLength(1);
        _values = Matrix.ToRowMajor(y);
    }

    /// <summary>Creates the block with one noise scale for every row.</summary>
    public DirectGaussianBlock(double[,] y, double sigma) : this(y, [sigma]) { }

    /// <inheritdoc />
    public override string Family => "direct_gaussian";

    /// <inheritdoc />
    public override int Count => _rows;

    /// <summary>The observations as an N x d array (a copy).</summary>
    public double[,] Y => Matrix.FromRowMajor(_values, _rows, _columns);

    /// <summary>Observation n, a d-vector.</summary>
    public ReadOnlySpan<double> Row(int n) => _values.AsSpan(n * _columns, _columns);

    /// <summary>The noise standard deviations (length 1 or N).</summary>
    public double[] Sigma { get; }

    internal override DimensionEvidence? ImpliedDimension => _rows > 0 ? DimensionEvidence.Columns("y", _columns) : null;

    internal override ObservationBlock Resolve(int index, int d)
    {
        if (_rows > 0 && _columns != d)
        {
            throw new ProblemValidationException(PathOf(index, "y"), $"expected rows of length d = {d}, got {_columns}");
        }
        for (int n = 0; n < _rows; n++)
        {
            Check.Finite(PathOf(index, $"y[{n}]"), Row(n));
        }
        return new DirectGaussianBlock(_rows == 0 ? new double[0, d] : Y, ResolvePerRow(index, "sigma", Sigma, positive: true));
    }

    internal override void CheckLimits(int index)
    {
        for (int n = 0; n < _rows; n++)
        {
            Check.Magnitude(PathOf(index, $"y[{n}]"), Row(n));
        }
        Check.ScaleRange(PathOf(index, "sigma"), Sigma);
    }

    internal override double AddLogLikelihood(ReadOnlySpan<double> z, Span<double> gradient)
    {
        int d = z.Length;
        double logLik = 0;
        for (int n = 0; n < _rows; n++)
        {
            double s = Sigma[n];
            double precision = 1 / (s * s);
            var y = Row(n);
            double sq = 0;
            for (int i = 0; i < d; i++)
            {
                double r = y[i] - z[i];
                sq += r * r;
                gradient[i] += r * precision;
            }
            logLik -= 0.5 * sq * precision + d * (Math.Log(s) + HalfLog2Pi);
        }
        return logLik;
    }

    internal override (int Row, string Detail)? FirstNonFiniteRow(ReadOnlySpan<double> z)
    {
        for (int n = 0; n < _rows; n++)
        {
            double precision = 1 / (Sigma[n] * Sigma[n]);
            var y = Row(n);
            double sq = 0;
            bool finite = double.IsFinite(precision);
            for (int i = 0; i < z.Length; i++)
            {
                double r = y[i] - z[i];
                sq += r * r;
                finite &= double.IsFinite(r * precision);
            }
            if (!finite || !double.IsFinite(sq * precision))
            {
                return (n, $"its squared distance |y[{n}] - z|² / sigma² is {Check.Format(sq * precision)}");
            }
        }
        return null;
    }

    internal override void AddCurvature(ReadOnlySpan<double> z, Span<double> curvature, CurvatureKind kind)
    {
        int d = z.Length;
        double precision = 0;
        for (int n = 0; n < _rows; n++)
        {
            precision += 1 / (Sigma[n] * Sigma[n]);
        }
        for (int i = 0; i < d; i++)
        {
            curvature[i * d + i] += precision;
        }
    }
}
