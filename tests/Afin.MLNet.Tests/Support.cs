using Afin.MLNet.LoadCheck;
using Afin.Modelling;
using Afin.Persistence;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Afin.MLNet.Tests;

/// <summary>Typed output of the prediction engine.</summary>
public sealed class PosteriorOutput
{
    /// <summary>Mean.</summary>
    public double[] PosteriorMean { get; set; } = [];

    /// <summary>Standard deviations.</summary>
    public double[] PosteriorStdDev { get; set; } = [];

    /// <summary>Covariance, row-major.</summary>
    public double[] PosteriorCovariance { get; set; } = [];
}

internal static class Support
{
    /// <summary>The problem of a generated row, built independently of the transformer's reader.</summary>
    internal static BayesianProblem Problem(ProblemRow row, int index)
    {
        double[] D(float[] v) => v.Select(x => (double)x).ToArray();
        int d = row.LikelihoodFamily.Length == 3 ? row.X.Length / 3 : row.LikelihoodFamily[0] == "direct_gaussian" ? row.PriorScale.Length : row.X.Length / row.Y.Length;
        var prior = new GaussianPrior(D(row.PriorLoc), D(row.PriorScale));
        double[,] M(double[] v, int rows) => Matrix(v, rows, d);
        ObservationBlock[] blocks = (index % 4) switch
        {
            0 => [new LinearGaussianBlock(M(D(row.X), row.Y.Length), D(row.Y), D(row.NoiseScale))],
            1 => [new BernoulliLogitBlock(M(D(row.X), row.Y.Length), D(row.Y))],
            2 => [new DirectGaussianBlock(M(D(row.Y), row.Y.Length / d), D(row.NoiseScale))],
            _ =>
            [
                new LinearGaussianBlock(M(D(row.X).Take(d).ToArray(), 1), [row.Y[0]], D(row.NoiseScale)),
                new BernoulliLogitBlock(M(D(row.X).Skip(d).Take(d).ToArray(), 1), [row.Y[1]]),
                new DirectGaussianBlock(M(D(row.Y).Skip(2).ToArray(), 1), D(row.NoiseScale)),
            ],
        };
        return BayesianProblem.Create(prior, blocks, d);
    }

    internal static double[,] Matrix(double[] values, int rows, int columns)
    {
        var m = new double[rows, columns];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                m[i, j] = values[i * columns + j];
            }
        }
        return m;
    }

    internal static double[] Flatten(double[,] m) => m.Cast<double>().ToArray();

    internal static void AssertClose(double[] expected, double[] actual, double tolerance, string what)
    {
        Assert.HasCount(expected.Length, actual, what);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.AreEqual(expected[i], actual[i], tolerance, $"{what}[{i}]");
        }
    }

    internal static double[][] Column(IDataView view, string name) => view.GetColumn<double[]>(name).ToArray();

    internal static void AssertSameOutputs(IDataView expected, IDataView actual, double tolerance)
    {
        foreach (var name in new[] { "PosteriorMean", "PosteriorStdDev", "PosteriorCovariance" })
        {
            var e = Column(expected, name);
            var a = Column(actual, name);
            Assert.HasCount(e.Length, a);
            for (int i = 0; i < e.Length; i++)
            {
                AssertClose(e[i], a[i], tolerance, $"{name} row {i}");
            }
        }
    }

    internal static AfinModel LoadTestModel() => AfinModel.Load(TestModel.Path);

    /// <summary>Equal within <paramref name="tolerance"/>, or both NaN (a diagnostic that was not computed).</summary>
    internal static void AssertSame(double expected, double actual, double tolerance, string what)
    {
        if (double.IsNaN(expected))
        {
            Assert.IsTrue(double.IsNaN(actual), $"{what}: expected NaN, got {actual}");
            return;
        }
        Assert.AreEqual(expected, actual, tolerance, what);
    }
}
