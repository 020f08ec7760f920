using System.Globalization;

namespace Afin.Simulation;

/// <summary>
/// A one-parameter posterior known on a grid of points through unnormalised log densities (for example log-likelihood
/// plus log-prior on a quadrature grid, or a learned log ratio plus log-prior). It is normalised in log space by the
/// trapezoid rule, and its distribution function is the piecewise-linear interpolation of the cumulative trapezoid
/// masses: each grid cell carries its trapezoid mass spread uniformly. <see cref="Cdf"/>, <see cref="Quantile"/>,
/// <see cref="Sample"/>, <see cref="Mean"/> and <see cref="Variance"/> all describe that one distribution;
/// <see cref="Density"/> interpolates the normalised grid densities linearly (the curve whose trapezoid integral is 1),
/// which agrees with it to second order in the grid spacing.
/// </summary>
public sealed class GridPosterior
{
    private readonly double[] _points;
    private readonly double[] _logDensities;
    private readonly double[] _cdf;

    /// <summary>Builds the posterior.</summary>
    /// <param name="points">The grid, strictly increasing and finite, at least 2 points; any spacing.</param>
    /// <param name="logDensities">Unnormalised log densities at the points: finite or negative infinity (zero density,
    /// e.g. outside a prior's support), never NaN or positive infinity, and not all negative infinity.</param>
    /// <exception cref="ArgumentException">The lengths differ, there are fewer than 2 points, the grid is not strictly
    /// increasing or not finite, a log density is NaN or positive infinity, or every density is zero; the message names
    /// the index.</exception>
    public GridPosterior(IReadOnlyList<double> points, IReadOnlyList<double> logDensities)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(logDensities);
        if (points.Count < 2)
        {
            throw new ArgumentException($"points has {points.Count} values; expected at least 2 grid points", nameof(points));
        }
        if (logDensities.Count != points.Count)
        {
            throw new ArgumentException($"logDensities has {logDensities.Count} values but points has {points.Count}; expected one log density per point", nameof(logDensities));
        }
        int m = points.Count;
        _points = new double[m];
        var log = new double[m];
        double max = double.NegativeInfinity;
        for (int i = 0; i < m; i++)
        {
            _points[i] = points[i];
            log[i] = logDensities[i];
            if (!double.IsFinite(_points[i]))
            {
                throw new ArgumentException($"points[{i}] is {Format(_points[i])}; expected a finite value", nameof(points));
            }
            if (i > 0 && !(_points[i] > _points[i - 1]))
            {
                throw new ArgumentException(
                    $"points[{i}] = {Format(_points[i])} does not exceed points[{i - 1}] = {Format(_points[i - 1])}; expected a strictly increasing grid", nameof(points));
            }
            if (double.IsNaN(log[i]) || double.IsPositiveInfinity(log[i]))
            {
                throw new ArgumentException($"logDensities[{i}] is {Format(log[i])}; expected a finite value or negative infinity", nameof(logDensities));
            }
            max = Math.Max(max, log[i]);
        }
        if (double.IsNegativeInfinity(max))
        {
            throw new ArgumentException("every log density is negative infinity; expected at least one point with positive density", nameof(logDensities));
        }

        // Densities relative to the largest (in (0, 1], so no overflow), cumulative trapezoid masses, then the total
        // moved into the log densities: log p_i = log q_i - max - log(sum of masses).
        var relative = new double[m];
        for (int i = 0; i < m; i++)
        {
            relative[i] = Math.Exp(log[i] - max);
        }
        _cdf = new double[m];
        for (int i = 1; i < m; i++)
        {
            _cdf[i] = _cdf[i - 1] + 0.5 * (relative[i - 1] + relative[i]) * (_points[i] - _points[i - 1]);
        }
        double total = _cdf[m - 1];
        for (int i = 1; i < m; i++)
        {
            _cdf[i] /= total;
        }
        _cdf[m - 1] = 1.0;
        double logNormaliser = max + Math.Log(total);
        _logDensities = new double[m];
        for (int i = 0; i < m; i++)
        {
            _logDensities[i] = log[i] - logNormaliser;
        }

        double mean = 0, square = 0;
        for (int i = 1; i < m; i++)
        {
            // A cell of mass w spread uniformly on [a, b]: E x = (a + b) / 2, E x^2 = (a^2 + a b + b^2) / 3.
            double w = _cdf[i] - _cdf[i - 1], a = _points[i - 1], b = _points[i];
            mean += w * 0.5 * (a + b);
            square += w * (a * a + a * b + b * b) / 3;
        }
        Mean = mean;
        Variance = Math.Max(0, square - mean * mean);
    }

    /// <summary>The grid points.</summary>
    public IReadOnlyList<double> Points => Array.AsReadOnly(_points);

    /// <summary>The normalised log densities at the grid points (their exponentials integrate to 1 by the trapezoid rule).</summary>
    public IReadOnlyList<double> LogDensities => Array.AsReadOnly(_logDensities);

    /// <summary>The posterior mean.</summary>
    public double Mean { get; }

    /// <summary>The posterior variance.</summary>
    public double Variance { get; }

    /// <summary>The posterior median, <see cref="Quantile"/>(0.5).</summary>
    public double Median => Quantile(0.5);

    /// <summary>P(theta &lt;= <paramref name="x"/>): 0 below the grid, 1 above it, linear within each cell.</summary>
    public double Cdf(double x)
    {
        if (double.IsNaN(x))
        {
            throw new ArgumentException("x is NaN; expected a number", nameof(x));
        }
        if (x <= _points[0])
        {
            return 0;
        }
        if (x >= _points[^1])
        {
            return 1;
        }
        int cell = CellOf(x);
        double fraction = (x - _points[cell]) / (_points[cell + 1] - _points[cell]);
        return _cdf[cell] + fraction * (_cdf[cell + 1] - _cdf[cell]);
    }

    /// <summary>The normalised density at <paramref name="x"/>: linear between grid points, 0 outside the grid.</summary>
    public double Density(double x)
    {
        if (double.IsNaN(x))
        {
            throw new ArgumentException("x is NaN; expected a number", nameof(x));
        }
        if (x < _points[0] || x > _points[^1])
        {
            return 0;
        }
        if (x == _points[^1])
        {
            return Math.Exp(_logDensities[^1]);
        }
        int cell = CellOf(x);
        double fraction = (x - _points[cell]) / (_points[cell + 1] - _points[cell]);
        return (1 - fraction) * Math.Exp(_logDensities[cell]) + fraction * Math.Exp(_logDensities[cell + 1]);
    }

    /// <summary>
    /// The quantile at <paramref name="probability"/> in [0, 1], inverting the piecewise-linear distribution function;
    /// 0 and 1 give the ends of the support (the outer ends of the outermost cells with positive mass).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="probability"/> is outside [0, 1] or NaN.</exception>
    public double Quantile(double probability)
    {
        if (!(probability >= 0 && probability <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "expected a probability in [0, 1]");
        }
        if (probability == 0)
        {
            // The left end of the first cell with positive mass.
            int first = FirstAtLeast(double.Epsilon);
            return _points[first - 1];
        }
        // The first point whose cumulative mass reaches the probability; its cell has positive mass.
        int j = FirstAtLeast(probability);
        double lower = _cdf[j - 1], upper = _cdf[j];
        double fraction = Math.Clamp((probability - lower) / (upper - lower), 0, 1);
        return _points[j - 1] + fraction * (_points[j] - _points[j - 1]);
    }

    /// <summary>
    /// <paramref name="count"/> independent draws by the inverse distribution function, one
    /// <see cref="Random.NextDouble"/> each, so a seeded <paramref name="random"/> reproduces them.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public double[] Sample(int count, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentNullException.ThrowIfNull(random);
        var draws = new double[count];
        for (int k = 0; k < count; k++)
        {
            draws[k] = Quantile(random.NextDouble());
        }
        return draws;
    }

    /// <summary>The cell [points[c], points[c + 1]) holding <paramref name="x"/>, for x inside the grid.</summary>
    private int CellOf(double x)
    {
        int index = Array.BinarySearch(_points, x);
        return index >= 0 ? Math.Min(index, _points.Length - 2) : ~index - 1;
    }

    /// <summary>The smallest index j &gt;= 1 with cdf[j] &gt;= <paramref name="probability"/> (0 &lt; probability &lt;= 1).</summary>
    private int FirstAtLeast(double probability)
    {
        int lo = 1, hi = _cdf.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_cdf[mid] >= probability)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }
        return lo;
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
