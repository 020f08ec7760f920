using Afin.Numerics;

namespace Afin.Simulation.GaussianProcess;

/// <summary>
/// The exact log-likelihood log N(z; 0, C(theta)) of fields from <see cref="GaussianProcessFieldSimulator"/>:
/// -n^2/2 log(2 pi) - sum_i log L_ii - ||L^-1 z||^2 / 2 with L the Cholesky factor of C(theta) (plus the simulator's
/// <see cref="GaussianProcessFieldSimulator.CholeskyJitter"/>). All arithmetic is float64; independent factorisations
/// run in parallel, each on one thread, so results do not depend on the number of threads or on batching.
/// </summary>
public sealed class GaussianProcessLikelihood
{
    /// <summary>Fields solved together per theta in <see cref="LogLikelihoodGrid"/>.</summary>
    private const int FieldBlock = 64;

    private readonly ExponentialGrid _grid;

    /// <summary>Creates the likelihood for fields on a <paramref name="gridSize"/> x <paramref name="gridSize"/> grid.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gridSize"/> is below 2 or above 64.</exception>
    public GaussianProcessLikelihood(int gridSize = 16)
    {
        _grid = new ExponentialGrid(gridSize);
    }

    /// <summary>Grid points per side.</summary>
    public int GridSize => _grid.GridSize;

    /// <summary>Values per field, <see cref="GridSize"/>^2.</summary>
    public int LocationCount => _grid.Count;

    /// <summary>
    /// The log-likelihood of every field at every theta: one Cholesky factorisation per theta and one triangular solve
    /// with all fields as right-hand sides.
    /// </summary>
    /// <param name="fields">Fields, each <see cref="LocationCount"/> finite values, row-major.</param>
    /// <param name="thetas">Length scales, each positive and finite (e.g. a quadrature grid).</param>
    /// <param name="cancellation">Checked between thetas.</param>
    /// <returns>result[f, t] = log p(fields[f] | thetas[t]).</returns>
    /// <exception cref="ArgumentException">A field is missing, has the wrong length or a non-finite value, or a theta
    /// is not positive and finite; the message names the index.</exception>
    /// <exception cref="InvalidOperationException">A covariance could not be factorised (theta far beyond the grid's extent).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    public double[,] LogLikelihoodGrid(IReadOnlyList<float[]> fields, IReadOnlyList<double> thetas, CancellationToken cancellation = default)
    {
        var data = FieldMatrix(fields, nameof(fields));
        var theta = CheckThetas(thetas, nameof(thetas));
        int f = fields.Count, t = theta.Length, n = LocationCount;
        var result = new double[f, t];
        if (f == 0 || t == 0)
        {
            return result;
        }
        // Fields transposed in blocks of FieldBlock columns (n x width, row-major): the triangular solve then updates
        // whole rows of right-hand sides at once, and a block (128 KB at n = 256) stays in cache while it is solved.
        int blocks = (f + FieldBlock - 1) / FieldBlock;
        var columns = new double[blocks][];
        for (int b = 0; b < blocks; b++)
        {
            int f0 = b * FieldBlock, width = Math.Min(FieldBlock, f - f0);
            var block = new double[n * width];
            for (int i = 0; i < width; i++)
            {
                for (int k = 0; k < n; k++)
                {
                    block[k * width + i] = data[(long)(f0 + i) * n + k];
                }
            }
            columns[b] = block;
        }
        ExponentialGrid.ForEach(t, j =>
        {
            var buffer = ExponentialGrid.ThreadBuffer(n * n + n * FieldBlock);
            var factor = buffer.AsSpan(0, n * n);
            _grid.Factor(theta[j], factor);
            double halfLogDet = DenseCholesky.HalfLogDeterminant(factor, n);
            for (int b = 0; b < blocks; b++)
            {
                int f0 = b * FieldBlock, width = Math.Min(FieldBlock, f - f0);
                var work = buffer.AsSpan(n * n, n * width);
                columns[b].CopyTo(work);
                DenseCholesky.ForwardSolveColumns(factor, n, work, width);
                for (int i = 0; i < width; i++)
                {
                    double quadratic = 0;
                    for (int k = 0; k < n; k++)
                    {
                        double y = work[k * width + i];
                        quadratic += y * y;
                    }
                    result[f0 + i, j] = Combine(halfLogDet, quadratic, n);
                }
            }
        }, cancellation);
        return result;
    }

    /// <summary>
    /// The log-likelihood of each field at its own theta (one factorisation per pair, batched), as a Metropolis-Hastings
    /// step needs for many chains at once.
    /// </summary>
    /// <param name="fields">Fields, each <see cref="LocationCount"/> finite values, row-major.</param>
    /// <param name="thetas">One positive, finite length scale per field.</param>
    /// <returns>result[i] = log p(fields[i] | thetas[i]).</returns>
    /// <exception cref="ArgumentException">The counts differ, a field is missing, has the wrong length or a non-finite
    /// value, or a theta is not positive and finite; the message names the index.</exception>
    /// <exception cref="InvalidOperationException">A covariance could not be factorised (theta far beyond the grid's extent).</exception>
    public double[] LogLikelihood(IReadOnlyList<float[]> fields, IReadOnlyList<double> thetas)
    {
        var data = FieldMatrix(fields, nameof(fields));
        var theta = CheckThetas(thetas, nameof(thetas));
        if (theta.Length != fields.Count)
        {
            throw new ArgumentException($"thetas has {theta.Length} values but fields has {fields.Count}; expected one theta per field", nameof(thetas));
        }
        var rows = Enumerable.Range(0, fields.Count).ToArray();
        var result = new double[rows.Length];
        LogLikelihoodPairs(data, rows, theta, result);
        return result;
    }

    /// <summary>The log-likelihood of one field at one theta.</summary>
    /// <exception cref="ArgumentException">The field has the wrong length or a non-finite value, or theta is not
    /// positive and finite.</exception>
    /// <exception cref="InvalidOperationException">The covariance could not be factorised (theta far beyond the grid's extent).</exception>
    public double LogLikelihood(ReadOnlySpan<float> field, double theta) =>
        LogLikelihood([field.ToArray()], [theta])[0];

    /// <summary>
    /// Pairs (row <paramref name="rows"/>[k] of <paramref name="data"/>, <paramref name="thetas"/>[k]) -> result[k],
    /// with <paramref name="data"/> already checked (fields x <see cref="LocationCount"/>, row-major) and thetas positive.
    /// </summary>
    internal void LogLikelihoodPairs(double[] data, ReadOnlySpan<int> rows, ReadOnlySpan<double> thetas, Span<double> result)
    {
        int n = LocationCount;
        // Spans cannot enter the parallel loop's lambda; the copies are tiny next to one factorisation.
        var rowArray = rows.ToArray();
        var thetaArray = thetas.ToArray();
        var values = new double[rowArray.Length];
        ExponentialGrid.ForEach(rowArray.Length, k =>
        {
            var buffer = ExponentialGrid.ThreadBuffer(n * n + n);
            var factor = buffer.AsSpan(0, n * n);
            _grid.Factor(thetaArray[k], factor);
            double quadratic = DenseCholesky.ForwardSquaredNorm(factor, n, data.AsSpan(rowArray[k] * n, n), buffer.AsSpan(n * n, n));
            values[k] = Combine(DenseCholesky.HalfLogDeterminant(factor, n), quadratic, n);
        });
        values.CopyTo(result);
    }

    /// <summary>Copies checked fields into one row-major double array (fields x <see cref="LocationCount"/>).</summary>
    internal double[] FieldMatrix(IReadOnlyList<float[]> fields, string name)
    {
        ArgumentNullException.ThrowIfNull(fields, name);
        int n = LocationCount;
        var data = new double[(long)fields.Count * n];
        for (int i = 0; i < fields.Count; i++)
        {
            var field = fields[i];
            if (field is null || field.Length != n)
            {
                throw new ArgumentException(
                    $"{name}[{i}] has {field?.Length ?? 0} values; expected {n} (a {GridSize} x {GridSize} grid, row-major)", name);
            }
            for (int k = 0; k < n; k++)
            {
                if (!float.IsFinite(field[k]))
                {
                    throw new ArgumentException($"{name}[{i}][{k}] is {field[k]}; expected a finite value", name);
                }
                data[(long)i * n + k] = field[k];
            }
        }
        return data;
    }

    private static double[] CheckThetas(IReadOnlyList<double> thetas, string name)
    {
        ArgumentNullException.ThrowIfNull(thetas, name);
        var result = new double[thetas.Count];
        for (int i = 0; i < result.Length; i++)
        {
            double theta = thetas[i];
            if (!(theta > 0) || !double.IsFinite(theta))
            {
                throw new ArgumentException($"{name}[{i}] is {theta}; expected a positive, finite length scale theta", name);
            }
            result[i] = theta;
        }
        return result;
    }

    private static double Combine(double halfLogDet, double quadratic, int n) =>
        -0.5 * n * Math.Log(2 * Math.PI) - halfLogDet - 0.5 * quadratic;
}
