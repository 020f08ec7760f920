using Afin.Modelling;
using Afin.Simulation;
using MathNet.Numerics.LinearAlgebra;

namespace Afin.References;

/// <summary>
/// The closed-form posterior of a conjugate problem (Gaussian or full-rank Gaussian prior with only
/// linear and direct Gaussian blocks): N(mean, covariance) and the log marginal likelihood log p(y).
/// </summary>
public sealed class ExactPosterior
{
    private const double HalfLog2Pi = 0.91893853320467274178;

    private ExactPosterior(double[] mean, double[,] covariance, double logMarginalLikelihood)
    {
        Mean = mean;
        Covariance = covariance;
        LogMarginalLikelihood = logMarginalLikelihood;
    }

    /// <summary>The posterior mean, length d.</summary>
    public double[] Mean { get; }

    /// <summary>The posterior covariance, d x d.</summary>
    public double[,] Covariance { get; }

    /// <summary>The posterior standard deviations, the square roots of the covariance's diagonal.</summary>
    public double[] StdDev => Enumerable.Range(0, Mean.Length).Select(i => Math.Sqrt(Covariance[i, i])).ToArray();

    /// <summary>log p(y), the log normalising constant of the log joint density.</summary>
    public double LogMarginalLikelihood { get; }

    /// <summary>Draws from N(mean, covariance), seeded, from a managed generator (no native library is loaded).</summary>
    /// <param name="count">The number of draws, at least 0.</param>
    /// <param name="seed">Seeds the generator; the same seed gives the same draws.</param>
    /// <returns>A new count x d matrix, one draw per row.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public double[,] Sample(int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        int d = Mean.Length;
        var factor = Matrix<double>.Build.DenseOfArray(Covariance).Cholesky().Factor;
        var random = new Random(seed);
        var draws = new double[count, d];
        var u = new double[d];
        for (int n = 0; n < count; n++)
        {
            for (int i = 0; i < d; i++)
            {
                u[i] = StandardNormal.Draw(random);
            }
            for (int i = 0; i < d; i++)
            {
                double sum = Mean[i];
                for (int j = 0; j <= i; j++)
                {
                    sum += factor[i, j] * u[j];
                }
                draws[n, i] = sum;
            }
        }
        return draws;
    }

    /// <summary>Computes the exact posterior of a conjugate problem.</summary>
    /// <exception cref="ArgumentException">The problem is not conjugate (see <see cref="BayesianProblem.IsConjugate"/>).</exception>
    public static ExactPosterior Compute(BayesianProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (!problem.IsConjugate)
        {
            throw new ArgumentException(
                $"the exact posterior needs a gaussian or full_rank_gaussian prior and only linear_gaussian or direct_gaussian observations; " +
                $"this problem has a {problem.Prior.Family} prior and blocks {string.Join(", ", problem.Blocks.Select(b => b.Family))}", nameof(problem));
        }
        int d = problem.Dimension;
        // Natural parameters: precision Lambda and shift b = Lambda * mean, summed over factors.
        var precision = Matrix<double>.Build.Dense(d, d);
        var shift = Vector<double>.Build.Dense(d);
        AddPrior(problem.Prior, precision, shift);
        foreach (var block in problem.Blocks)
        {
            AddBlock(block, precision, shift);
        }
        var cholesky = precision.Cholesky();
        var mean = cholesky.Solve(shift);
        var covariance = cholesky.Solve(Matrix<double>.Build.DenseIdentity(d));
        // For a Gaussian posterior, log p(y) = log p(y, z) - log p(z | y) at any z; at the mean,
        // log p(mean | y) = -d/2 log(2 pi) + 1/2 log det Lambda.
        double logJoint = problem.LogDensity().Evaluate(mean.ToArray());
        double logMarginal = logJoint + d * HalfLog2Pi - 0.5 * cholesky.DeterminantLn;
        return new ExactPosterior(mean.ToArray(), Symmetrise(covariance), logMarginal);
    }

    private static void AddPrior(Prior prior, Matrix<double> precision, Vector<double> shift)
    {
        int d = precision.RowCount;
        if (prior is GaussianPrior g)
        {
            for (int i = 0; i < d; i++)
            {
                double p = 1 / (g.Scale[i] * g.Scale[i]);
                precision[i, i] += p;
                shift[i] += p * g.Loc[i];
            }
            return;
        }
        var f = (FullRankGaussianPrior)prior;
        var p0 = Matrix<double>.Build.DenseOfArray(f.Precision);
        precision.Add(p0, precision);
        shift.Add(p0 * Vector<double>.Build.DenseOfArray(f.Loc), shift);
    }

    private static void AddBlock(ObservationBlock block, Matrix<double> precision, Vector<double> shift)
    {
        int d = precision.RowCount;
        if (block is LinearGaussianBlock linear)
        {
            for (int n = 0; n < linear.Count; n++)
            {
                var x = linear.Row(n);
                double w = 1 / (linear.Sigma[n] * linear.Sigma[n]);
                for (int i = 0; i < d; i++)
                {
                    shift[i] += w * linear.Y[n] * x[i];
                    for (int j = 0; j < d; j++)
                    {
                        precision[i, j] += w * x[i] * x[j];
                    }
                }
            }
            return;
        }
        var direct = (DirectGaussianBlock)block;
        for (int n = 0; n < direct.Count; n++)
        {
            var y = direct.Row(n);
            double w = 1 / (direct.Sigma[n] * direct.Sigma[n]);
            for (int i = 0; i < d; i++)
            {
                precision[i, i] += w;
                shift[i] += w * y[i];
            }
        }
    }

    private static double[,] Symmetrise(Matrix<double> m)
    {
        var result = new double[m.RowCount, m.ColumnCount];
        for (int i = 0; i < m.RowCount; i++)
        {
            for (int j = 0; j < m.ColumnCount; j++)
            {
                result[i, j] = 0.5 * (m[i, j] + m[j, i]);
            }
        }
        return result;
    }
}
