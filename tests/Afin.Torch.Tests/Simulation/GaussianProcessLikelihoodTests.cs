using Afin.Simulation.GaussianProcess;
using MathNet.Numerics.LinearAlgebra;

namespace Afin.Tests.Simulation;

[TestClass]
public sealed class GaussianProcessLikelihoodTests
{
    /// <summary>log N(z; 0, C + jitter I) by MathNet: -n/2 log 2 pi - 1/2 log det - 1/2 z^T C^-1 z.</summary>
    private static double Dense(float[] field, double theta, int gridSize)
    {
        var c = Matrix<double>.Build.DenseOfArray(GaussianProcessFieldSimulator.CovarianceMatrix(theta, gridSize));
        c += Matrix<double>.Build.DenseIdentity(c.RowCount) * GaussianProcessFieldSimulator.CholeskyJitter;
        var z = Vector<double>.Build.Dense(field.Select(v => (double)v).ToArray());
        var cholesky = c.Cholesky();
        double quadratic = z.DotProduct(cholesky.Solve(z));
        return -0.5 * z.Count * Math.Log(2 * Math.PI) - 0.5 * cholesky.DeterminantLn - 0.5 * quadratic;
    }

    [TestMethod]
    public void MatchesDenseComputationOnSmallGrid()
    {
        const int n = 4;
        var simulator = new GaussianProcessFieldSimulator(n);
        var fields = simulator.Simulate([[0.05], [0.2], [0.45], [0.9], [0.3]], new Random(5));
        double[] thetas = [0.01, 0.05, 0.2, 0.6, 1.5];
        var likelihood = new GaussianProcessLikelihood(n);
        Assert.AreEqual(16, likelihood.LocationCount);

        var grid = likelihood.LogLikelihoodGrid(fields, thetas);
        Assert.AreEqual(fields.Length, grid.GetLength(0));
        Assert.AreEqual(thetas.Length, grid.GetLength(1));
        for (int f = 0; f < fields.Length; f++)
        {
            for (int t = 0; t < thetas.Length; t++)
            {
                double dense = Dense(fields[f], thetas[t], n);
                Assert.AreEqual(dense, grid[f, t], 1e-9 * Math.Max(1, Math.Abs(dense)), $"field {f}, theta {thetas[t]}");
            }
        }

        // The paired and single-field forms agree with the grid.
        var pairThetas = new[] { 0.6, 0.01, 1.5, 0.2, 0.05 };
        var pairs = likelihood.LogLikelihood(fields, pairThetas);
        for (int f = 0; f < fields.Length; f++)
        {
            int t = Array.IndexOf(thetas, pairThetas[f]);
            Assert.AreEqual(grid[f, t], pairs[f], 1e-10 * Math.Abs(grid[f, t]));
            Assert.AreEqual(pairs[f], likelihood.LogLikelihood(fields[f], pairThetas[f]));
        }
    }

    [TestMethod]
    public void GridHandlesMoreFieldsThanOneBlock()
    {
        // 150 fields span three blocks of the column solve; every entry must still match the paired form.
        var simulator = new GaussianProcessFieldSimulator(3);
        var fields = simulator.Simulate(Enumerable.Range(0, 150).Select(i => new[] { 0.05 + 0.003 * i }).ToArray(), new Random(8));
        var likelihood = new GaussianProcessLikelihood(3);
        double[] thetas = [0.1, 0.35];
        var grid = likelihood.LogLikelihoodGrid(fields, thetas);
        for (int t = 0; t < thetas.Length; t++)
        {
            var pairs = likelihood.LogLikelihood(fields, Enumerable.Repeat(thetas[t], fields.Length).ToArray());
            for (int f = 0; f < fields.Length; f++)
            {
                Assert.AreEqual(pairs[f], grid[f, t], 1e-10 * Math.Abs(pairs[f]), $"field {f}, theta {thetas[t]}");
            }
        }
    }

    [TestMethod]
    public void RejectsBadFieldsAndThetas()
    {
        var likelihood = new GaussianProcessLikelihood(3);
        var good = new float[9];
        var e = Assert.ThrowsExactly<ArgumentException>(() => likelihood.LogLikelihoodGrid([good, new float[8]], [0.1]));
        Assert.AreEqual("fields", e.ParamName);
        Assert.Contains("fields[1] has 8 values; expected 9 (a 3 x 3 grid, row-major)", e.Message);
        var bad = new float[9];
        bad[4] = float.NaN;
        e = Assert.ThrowsExactly<ArgumentException>(() => likelihood.LogLikelihood([good, bad], [0.1, 0.2]));
        Assert.Contains("fields[1][4] is NaN; expected a finite value", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => likelihood.LogLikelihoodGrid([good], [0.1, 0.0]));
        Assert.AreEqual("thetas", e.ParamName);
        Assert.Contains("thetas[1] is 0; expected a positive, finite length scale theta", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => likelihood.LogLikelihood([good, good], [0.1]));
        Assert.Contains("thetas has 1 values but fields has 2; expected one theta per field", e.Message);
    }
}
