using Afin.Modelling;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using Logistic = Afin.Modelling.Logistic;

namespace Afin.Training;

/// <summary>
/// Fresh data from a problem's own model: a true z0 drawn from its prior, and new observations at z0 for chosen sites of
/// its blocks, every other argument of a site (design row, noise scale, degrees of freedom, number of trials, offset) kept.
/// This is how fine-tuning on a user's designs makes its tasks (<see cref="DesignTaskSource"/>).
/// </summary>
/// <remarks>A new likelihood family adds its case to <see cref="Simulate"/>.</remarks>
internal static class ProblemSimulator
{
    /// <summary>A draw from a resolved prior (every vector of length d).</summary>
    internal static double[] DrawPrior(Prior prior, Random rng)
    {
        var loc = prior.Loc;
        int d = loc.Length;
        switch (prior)
        {
            case GaussianPrior g:
                return Enumerable.Range(0, d).Select(i => loc[i] + g.Scale[i] * Normal.Sample(rng, 0, 1)).ToArray();
            case StudentTPrior t:
                return Enumerable.Range(0, d).Select(i => loc[i] + t.Scale[i] * StudentT.Sample(rng, 0, 1, t.Df[i])).ToArray();
            case LaplacePrior l:
                return Enumerable.Range(0, d).Select(i => loc[i] + MathNet.Numerics.Distributions.Laplace.Sample(rng, 0, l.Scale[i])).ToArray();
            case FullRankGaussianPrior f:
            {
                // z0 = loc + L⁻ᵀ eps, L L^T the precision, has covariance (L Lᵀ)⁻¹.
                var factor = Matrix<double>.Build.DenseOfArray(f.Precision).Cholesky().Factor;
                var offset = factor.Transpose().Solve(Vector<double>.Build.Dense(d, _ => Normal.Sample(rng, 0, 1)));
                return Enumerable.Range(0, d).Select(i => loc[i] + offset[i]).ToArray();
            }
            default:
                throw new NotSupportedException($"cannot draw from a prior of family '{prior.Family}'");
        }
    }

    /// <summary>
    /// A block of the sites <paramref name="rows"/> of a resolved <paramref name="block"/> (a row may repeat), with new
    /// observations drawn at <paramref name="z"/>.
    /// </summary>
    internal static ObservationBlock Simulate(ObservationBlock block, int[] rows, double[] z, Random rng)
    {
        switch (block)
        {
            case DirectGaussianBlock direct:
            {
                var y = new double[rows.Length, z.Length];
                for (int r = 0; r < rows.Length; r++)
                {
                    for (int i = 0; i < z.Length; i++)
                    {
                        y[r, i] = z[i] + direct.Sigma[rows[r]] * Normal.Sample(rng, 0, 1);
                    }
                }
                return new DirectGaussianBlock(y, Pick(direct.Sigma, rows));
            }
            case LinearBlock linear:
                return SimulateLinear(linear, rows, z, rng);
            default:
                throw new NotSupportedException($"cannot simulate a block of family '{block.Family}'");
        }
    }

    /// <summary>
    /// A Poisson draw of mean <paramref name="mean"/>: exact up to 1e6; above, the normal limit N(mean, mean) rounded,
    /// whose error is far below a count's own noise; beyond 1e15 (counts no longer exact in a double) the mean is held at 1e15.
    /// A mean that underflowed to 0 (exp of a predictor below about -745) gives 0, the limit of the distribution, where
    /// MathNet's sampler would refuse it (it stopped the training campaign at step 30,441).
    /// </summary>
    internal static double PoissonCount(Random rng, double mean)
    {
        if (mean <= 0)
        {
            return 0;
        }
        if (mean <= 1e6)
        {
            return Poisson.Sample(rng, mean);
        }
        double m = Math.Min(mean, 1e15);
        return Math.Max(0, Math.Round(m + Math.Sqrt(m) * Normal.Sample(rng, 0, 1)));
    }

    private static LinearBlock SimulateLinear(LinearBlock block, int[] rows, double[] z, Random rng)
    {
        int d = z.Length;
        var x = new double[rows.Length, d];
        var eta = new double[rows.Length];
        for (int r = 0; r < rows.Length; r++)
        {
            var row = block.Row(rows[r]);
            for (int i = 0; i < d; i++)
            {
                x[r, i] = row[i];
            }
            eta[r] = Matrix.Dot(row, z);
        }
        switch (block)
        {
            case LinearGaussianBlock g:
            {
                var sigma = Pick(g.Sigma, rows);
                return new LinearGaussianBlock(x, eta.Select((e, r) => e + sigma[r] * Normal.Sample(rng, 0, 1)).ToArray(), sigma);
            }
            case LinearStudentTBlock t:
            {
                var sigma = Pick(t.Sigma, rows);
                var df = Pick(t.Df, rows);
                return new LinearStudentTBlock(x, eta.Select((e, r) => e + sigma[r] * StudentT.Sample(rng, 0, 1, df[r])).ToArray(), sigma, df);
            }
            case BernoulliLogitBlock b:
            {
                var offset = Pick(b.Offset, rows);
                return new BernoulliLogitBlock(x, eta.Select((e, r) => rng.NextDouble() < Logistic.Sigmoid(e + offset[r]) ? 1.0 : 0.0).ToArray(), offset);
            }
            case BinomialLogitBlock b:
            {
                var offset = Pick(b.Offset, rows);
                var total = Pick(b.TotalCount, rows);
                var y = eta.Select((e, r) => (double)Binomial.Sample(rng, Logistic.Sigmoid(e + offset[r]), (int)total[r])).ToArray();
                return new BinomialLogitBlock(x, y, total, offset);
            }
            case PoissonLogBlock p:
            {
                var offset = Pick(p.Offset, rows);
                return new PoissonLogBlock(x, eta.Select((e, r) => PoissonCount(rng, Math.Exp(e + offset[r]))).ToArray(), offset);
            }
            default:
                throw new NotSupportedException($"cannot simulate a block of family '{block.Family}'");
        }
    }

    private static double[] Pick(double[] values, int[] rows) => rows.Select(r => values[r]).ToArray();
}
