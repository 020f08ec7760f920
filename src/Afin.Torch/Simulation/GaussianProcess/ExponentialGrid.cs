using System.Globalization;
using Afin.Numerics;

namespace Afin.Simulation.GaussianProcess;

/// <summary>
/// The geometry shared by the Gaussian-process simulator and its likelihood: an n x n grid on [0,1]^2 (points
/// i/(n-1), row-major) and Cholesky factors of the exponential covariance exp(-d / theta).
/// </summary>
/// <remarks>
/// On a regular grid a pair of locations is at distance sqrt(dr^2 + dc^2)/(n-1) for integer offsets, so an n x n grid
/// has at most n(n+1)/2 distinct distances (136 for n = 16) against n^4 = 65,536 matrix entries. The covariance is
/// built by evaluating exp only on the distinct distances and gathering, which keeps the cost of a matrix in its
/// Cholesky factorisation rather than in 65,536 exp calls.
/// </remarks>
internal sealed class ExponentialGrid
{
    /// <summary>Added to the diagonal before every factorisation: harmless (1e-8 against unit variance) and a guard
    /// against round-off making a large-theta matrix numerically indefinite.</summary>
    internal const double Jitter = 1e-8;

    /// <summary>The largest grid side: 64 x 64 = 4,096 locations already needs 128 MB per dense factor.</summary>
    internal const int MaxGridSize = 64;

    private readonly double[] _uniqueDistances;
    private readonly int[] _entryIndex;

    /// <summary>Builds the geometry of an <paramref name="gridSize"/> x <paramref name="gridSize"/> grid.</summary>
    internal ExponentialGrid(int gridSize)
    {
        CheckGridSize(gridSize, nameof(gridSize));
        GridSize = gridSize;
        int n = gridSize, count = n * n;
        // Squared integer offsets dr^2 + dc^2 -> index of the distinct distance, in increasing order (0 first).
        var offsets = new SortedSet<int>();
        for (int dr = 0; dr < n; dr++)
        {
            for (int dc = 0; dc < n; dc++)
            {
                offsets.Add(dr * dr + dc * dc);
            }
        }
        var slot = new Dictionary<int, int>();
        _uniqueDistances = new double[offsets.Count];
        foreach (int q in offsets)
        {
            slot[q] = slot.Count;
            _uniqueDistances[slot[q]] = Math.Sqrt(q) / (n - 1);
        }
        _entryIndex = new int[count * count];
        for (int i = 0; i < count; i++)
        {
            int ri = i / n, ci = i % n;
            for (int j = 0; j < count; j++)
            {
                int dr = ri - j / n, dc = ci - j % n;
                _entryIndex[i * count + j] = slot[dr * dr + dc * dc];
            }
        }
    }

    /// <summary>Grid points per side.</summary>
    internal int GridSize { get; }

    /// <summary>Number of locations, n^2.</summary>
    internal int Count => GridSize * GridSize;

    /// <summary>Throws unless <paramref name="gridSize"/> is at least 2 (the spacing 1/(n-1) needs two points) and at most <see cref="MaxGridSize"/>.</summary>
    internal static void CheckGridSize(int gridSize, string name)
    {
        if (gridSize < 2 || gridSize > MaxGridSize)
        {
            throw new ArgumentOutOfRangeException(name, gridSize,
                $"expected 2 to {MaxGridSize} grid points per side (points are spaced 1/(n-1); dense n^2 x n^2 covariances limit the size)");
        }
    }

    /// <summary>Throws unless <paramref name="theta"/> is a positive, finite length scale.</summary>
    internal static void CheckTheta(double theta, string name)
    {
        if (!(theta > 0) || !double.IsFinite(theta))
        {
            throw new ArgumentOutOfRangeException(name, theta, "expected a positive, finite length scale theta");
        }
    }

    /// <summary>The locations, one row (s1, s2) per grid point, row-major: point k = r n + c sits at (r, c)/(n-1).</summary>
    internal static double[,] Locations(int gridSize)
    {
        CheckGridSize(gridSize, nameof(gridSize));
        int n = gridSize;
        var locations = new double[n * n, 2];
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < n; c++)
            {
                locations[r * n + c, 0] = (double)r / (n - 1);
                locations[r * n + c, 1] = (double)c / (n - 1);
            }
        }
        return locations;
    }

    /// <summary>The dense covariance exp(-||s_i - s_j|| / theta), without jitter (the model, not the numerics).</summary>
    internal static double[,] Covariance(double theta, int gridSize)
    {
        CheckTheta(theta, nameof(theta));
        var s = Locations(gridSize);
        int count = s.GetLength(0);
        var c = new double[count, count];
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < count; j++)
            {
                double d1 = s[i, 0] - s[j, 0], d2 = s[i, 1] - s[j, 1];
                c[i, j] = Math.Exp(-Math.Sqrt(d1 * d1 + d2 * d2) / theta);
            }
        }
        return c;
    }

    /// <summary>
    /// Writes the lower Cholesky factor of the jittered covariance C(<paramref name="theta"/>) + jitter I into the lower
    /// triangle of <paramref name="factor"/> (N x N, row-major; the upper triangle is left as it was).
    /// </summary>
    /// <exception cref="InvalidOperationException">The matrix was not numerically positive definite (a length scale far
    /// beyond the grid's extent); the message names theta.</exception>
    internal void Factor(double theta, Span<double> factor)
    {
        int count = Count;
        Span<double> values = _uniqueDistances.Length <= 1024 ? stackalloc double[_uniqueDistances.Length] : new double[_uniqueDistances.Length];
        for (int m = 0; m < values.Length; m++)
        {
            values[m] = Math.Exp(-_uniqueDistances[m] / theta);
        }
        // Slot 0 is distance zero, i.e. exactly the diagonal.
        values[0] += Jitter;
        for (int i = 0; i < count; i++)
        {
            var row = factor.Slice(i * count, i + 1);
            var slots = _entryIndex.AsSpan(i * count, i + 1);
            for (int j = 0; j <= i; j++)
            {
                row[j] = values[slots[j]];
            }
        }
        if (!DenseCholesky.Factor(factor, count))
        {
            throw new InvalidOperationException(
                $"the covariance for theta = {theta.ToString("G6", CultureInfo.InvariantCulture)} on the {GridSize} x {GridSize} grid " +
                "is not numerically positive definite; expected a length scale comparable to the grid's extent");
        }
    }

    /// <summary>
    /// A scratch array of at least <paramref name="length"/> doubles owned by the calling thread, so the parallel loops
    /// of the simulator and the likelihood do not allocate a half-megabyte factor per matrix.
    /// </summary>
    internal static double[] ThreadBuffer(int length)
    {
        var buffer = _threadBuffer;
        if (buffer is null || buffer.Length < length)
        {
            buffer = new double[length];
            _threadBuffer = buffer;
        }
        return buffer;
    }

    /// <summary>
    /// Parallel.For over [0, <paramref name="count"/>) that rethrows the first failure as itself rather than wrapped in
    /// an <see cref="AggregateException"/>, so callers see the documented exception types.
    /// </summary>
    internal static void ForEach(int count, Action<int> body, CancellationToken cancellation = default)
    {
        try
        {
            Parallel.For(0, count, new ParallelOptions { CancellationToken = cancellation }, body);
        }
        catch (AggregateException error) when (error.InnerExceptions.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error.InnerExceptions[0]).Throw();
            throw;
        }
    }

    [ThreadStatic]
    private static double[]? _threadBuffer;
}
