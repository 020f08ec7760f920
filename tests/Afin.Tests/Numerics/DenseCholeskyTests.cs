using Afin.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Afin.Tests.Numerics;

[TestClass]
public sealed class DenseCholeskyTests
{
    private static Matrix<double> RandomSpd(int n, Random random)
    {
        var b = Matrix<double>.Build.Dense(n, n, (_, _) => random.NextDouble() - 0.5);
        return b * b.Transpose() + Matrix<double>.Build.DenseIdentity(n) * 0.1;
    }

    private static double[] RowMajor(Matrix<double> m)
    {
        var a = new double[m.RowCount * m.ColumnCount];
        for (int i = 0; i < m.RowCount; i++)
        {
            for (int j = 0; j < m.ColumnCount; j++)
            {
                a[i * m.ColumnCount + j] = m[i, j];
            }
        }
        return a;
    }

    [TestMethod]
    public void KernelsMatchMathNetForOddAndEvenSizes()
    {
        var random = new Random(42);
        foreach (int n in new[] { 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33 })
        {
            var spd = RandomSpd(n, random);
            var factor = RowMajor(spd);
            Assert.IsTrue(DenseCholesky.Factor(factor, n));
            var expected = spd.Cholesky().Factor;
            double scale = expected.Enumerate().Max(Math.Abs);
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j <= i; j++)
                {
                    Assert.AreEqual(expected[i, j], factor[i * n + j], 1e-10 * scale, $"n = {n}: L[{i}, {j}]");
                }
            }
            Assert.AreEqual(0.5 * spd.Cholesky().DeterminantLn, DenseCholesky.HalfLogDeterminant(factor, n), 1e-9 * Math.Max(1, n));

            // L x, Lᵀ x, ||L^-1 z||^2, and the column solve against MathNet.
            var x = Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5).ToArray();
            var y = new double[n];
            DenseCholesky.LowerTimes(factor, n, x, y);
            var expectedY = expected * Vector<double>.Build.Dense(x);
            for (int i = 0; i < n; i++)
            {
                Assert.AreEqual(expectedY[i], y[i], 1e-10 * scale * n);
            }
            DenseCholesky.LowerTransposeTimes(factor, n, x, y);
            var expectedTransposed = expected.Transpose() * Vector<double>.Build.Dense(x);
            for (int i = 0; i < n; i++)
            {
                Assert.AreEqual(expectedTransposed[i], y[i], 1e-10 * scale * n, $"n = {n}: Lᵀx[{i}]");
            }
            var full = (double[])x.Clone();
            DenseCholesky.Solve(factor, n, full);
            var expectedFull = spd.Solve(Vector<double>.Build.Dense(x));
            for (int i = 0; i < n; i++)
            {
                Assert.AreEqual(expectedFull[i], full[i], 1e-8 * expectedFull.AbsoluteMaximum(), $"n = {n}: solve[{i}]");
            }
            var solved = expected.Solve(Vector<double>.Build.Dense(x));
            Assert.AreEqual(solved.DotProduct(solved), DenseCholesky.ForwardSquaredNorm(factor, n, x, new double[n]), 1e-8 * solved.DotProduct(solved));
            const int columns = 6;
            var rhs = Matrix<double>.Build.Dense(n, columns, (_, _) => random.NextDouble() - 0.5);
            var work = RowMajor(rhs);
            DenseCholesky.ForwardSolveColumns(factor, n, work, columns);
            var expectedColumns = expected.Solve(rhs);
            for (int i = 0; i < n; i++)
            {
                for (int c = 0; c < columns; c++)
                {
                    Assert.AreEqual(expectedColumns[i, c], work[i * columns + c], 1e-8 * Math.Max(1, Math.Abs(expectedColumns[i, c])));
                }
            }
        }
    }

    [TestMethod]
    public void ReportsMatricesThatAreNotPositiveDefinite()
    {
        // [[1, 2], [2, 1]] has eigenvalues 3 and -1; [[1, 0, 0.5], [0, 1, 0.9], [0.5, 0.9, 1]] has determinant -0.06
        // (the unpaired last row of an odd size fails, and padded to 4 x 4 a paired row fails).
        Assert.IsFalse(DenseCholesky.Factor(new double[] { 1, 2, 2, 1 }, 2));
        Assert.IsFalse(DenseCholesky.Factor(new double[] { -1 }, 1));
        Assert.IsFalse(DenseCholesky.Factor(new double[] { 1, 0, 0, 0, 1, 0, 0.5, 0.9, 1 }, 3));
        Assert.IsFalse(DenseCholesky.Factor(new double[] { 1, 0, 0, 0, 0, 1, 0, 0, 0.5, 0.9, 1, 0, 0, 0, 0, 1 }, 4));
    }
}
