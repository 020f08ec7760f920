using System.Globalization;
using Afin.Numerics;

namespace Afin.Simulation.GaussianProcess;

/// <summary>
/// The review's spatial benchmark: a zero-mean, unit-variance Gaussian process on an n x n grid evenly spaced on
/// [0,1]^2 (points i/(n-1)) with exponential covariance C_ij = exp(-||s_i - s_j|| / theta). One parameter, the length
/// scale theta &gt; 0. Each field is z = L eps with L the Cholesky factor of C(theta) and eps standard normal.
/// </summary>
/// <remarks>
/// The normal draws come from the caller's <see cref="Random"/> through <see cref="StandardNormal.Draw"/>, field after
/// field and location after location, so a seed reproduces every field. Each field has its own theta and so its own
/// float64 Cholesky factorisation; fields are factorised in parallel, each by one thread, so the result does not
/// depend on the number of threads.
/// </remarks>
public sealed class GaussianProcessFieldSimulator : ISimulator
{
    /// <summary>The value added to the diagonal of C(theta) before every Cholesky factorisation (simulation and
    /// likelihood alike): negligible against unit variance, and a guard against round-off for long length scales.</summary>
    public const double CholeskyJitter = ExponentialGrid.Jitter;

    private readonly ExponentialGrid _grid;

    /// <summary>Creates the simulator on a <paramref name="gridSize"/> x <paramref name="gridSize"/> grid (the review
    /// uses 16).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gridSize"/> is below 2 or above 64.</exception>
    public GaussianProcessFieldSimulator(int gridSize = 16)
    {
        _grid = new ExponentialGrid(gridSize);
        Shape = DataShape.Grid(gridSize, gridSize);
    }

    /// <summary>Grid points per side.</summary>
    public int GridSize => _grid.GridSize;

    /// <inheritdoc />
    public int ParameterCount => 1;

    /// <inheritdoc />
    public DataShape Shape { get; }

    /// <summary>The locations of this simulator's grid; see <see cref="GridLocations"/>.</summary>
    public double[,] Locations() => ExponentialGrid.Locations(GridSize);

    /// <summary>The covariance C(<paramref name="theta"/>) on this simulator's grid; see <see cref="CovarianceMatrix"/>.</summary>
    public double[,] Covariance(double theta) => ExponentialGrid.Covariance(theta, GridSize);

    /// <summary>
    /// The n^2 locations of an <paramref name="gridSize"/> x <paramref name="gridSize"/> grid, one row (s1, s2) each, in
    /// the row-major order of the data: location k = r n + c is ((r, c) / (n - 1)).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gridSize"/> is below 2 or above 64.</exception>
    public static double[,] GridLocations(int gridSize) => ExponentialGrid.Locations(gridSize);

    /// <summary>
    /// The dense n^2 x n^2 covariance exp(-||s_i - s_j|| / <paramref name="theta"/>) on the grid of
    /// <see cref="GridLocations"/>, exactly as the model defines it (no jitter).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="theta"/> is not positive and finite, or
    /// <paramref name="gridSize"/> is below 2 or above 64.</exception>
    public static double[,] CovarianceMatrix(double theta, int gridSize) => ExponentialGrid.Covariance(theta, gridSize);

    /// <summary>Simulates one field per parameter vector [theta], row-major, as <see cref="DataShape.Size"/> floats.</summary>
    /// <exception cref="ArgumentException">A parameter vector is missing, has other than one value, or its theta is not
    /// positive and finite; the message names its index.</exception>
    /// <exception cref="InvalidOperationException">A covariance could not be factorised (theta far beyond the grid's extent).</exception>
    public float[][] Simulate(IReadOnlyList<double[]> parameters, Random random)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(random);
        var thetas = new double[parameters.Count];
        for (int i = 0; i < thetas.Length; i++)
        {
            var p = parameters[i];
            if (p is null || p.Length != 1 || !(p[0] > 0) || !double.IsFinite(p[0]))
            {
                string got = p is null ? "null" : $"[{string.Join(", ", p.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}]";
                throw new ArgumentException($"parameters[{i}] is {got}; expected one positive, finite length scale theta", nameof(parameters));
            }
            thetas[i] = p[0];
        }
        int count = _grid.Count;
        // All draws first, field after field, so the parallel factorisations below cannot change which draw feeds
        // which field.
        var eps = new double[thetas.Length * count];
        for (int k = 0; k < eps.Length; k++)
        {
            eps[k] = StandardNormal.Draw(random);
        }
        var fields = new float[thetas.Length][];
        ExponentialGrid.ForEach(thetas.Length, i =>
        {
            var buffer = ExponentialGrid.ThreadBuffer(count * count + count);
            var factor = buffer.AsSpan(0, count * count);
            var z = buffer.AsSpan(count * count, count);
            _grid.Factor(thetas[i], factor);
            DenseCholesky.LowerTimes(factor, count, eps.AsSpan(i * count, count), z);
            var field = new float[count];
            for (int k = 0; k < count; k++)
            {
                field[k] = (float)z[k];
            }
            fields[i] = field;
        });
        return fields;
    }
}
