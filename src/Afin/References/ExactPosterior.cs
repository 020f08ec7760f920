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

    /// <summary>
    /// log p(y), the log normalising constant of the log joint density; not finite where it overflows double arithmetic
    /// (a residual of 1e150 under a noise sd of 1e-150) even though the mean and covariance do not.
    /// </summary>
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
    /// <exception cref="ProblemValidationException">
    /// The problem's numbers overflow double arithmetic (a factor's information x xᵀ / σ², or the posterior mean), or
    /// the posterior precision is not positive definite in double precision (a prior too weak beside observations that
    /// leave a direction nearly undetermined), or d exceeds 4096; the message names the factor or field.
    /// </exception>
    public static ExactPosterior Compute(BayesianProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (!problem.IsConjugate)
        {
            throw new ArgumentException(
                $"the exact posterior needs a gaussian or full_rank_gaussian prior and only linear_gaussian or direct_gaussian observations; " +
                $"this problem has a {problem.Prior.Family} prior and blocks {string.Join(", ", problem.Blocks.Select(b => b.Family))}", nameof(problem));
        }
        DenseLimit.Check(problem, "the exact posterior");
        int d = problem.Dimension;
        // Natural parameters: precision Lambda and shift b = Lambda * mean, summed over factors.
        var precision = Matrix<double>.Build.Dense(d, d);
        var shift = Vector<double>.Build.Dense(d);
        AddPrior(problem.Prior, precision, shift);
        for (int b = 0; b < problem.Blocks.Count; b++)
        {
            AddBlock(problem.Blocks[b], b, precision, shift);
        }
        var (mean, covariance, logDetPrecision) = Solve(precision, shift);
        CheckFinite(mean, covariance);
        // For a Gaussian posterior, log p(y) = log p(y, z) - log p(z | y) at any z; at the mean,
        // log p(mean | y) = -d/2 log(2 pi) + 1/2 log det Lambda.
        double logJoint = problem.LogDensity().Evaluate(mean);
        double logMarginal = logJoint + d * HalfLog2Pi - 0.5 * logDetPrecision;
        return new ExactPosterior(mean, covariance, logMarginal);
    }

    /// <summary>
    /// The mean Lambda⁻¹ b, the covariance Lambda⁻¹ and log det Lambda, by Cholesky of the Jacobi-scaled precision
    /// S Lambda S with S = diag(Lambda)^(-1/2): its diagonal is 1, so coordinates whose precisions differ by hundreds of
    /// orders of magnitude (a prior sd of 1e-100 beside one of 1e100) do not make the factorisation fail; only a
    /// direction that is nearly undetermined relative to the others does.
    /// </summary>
    private static (double[] Mean, double[,] Covariance, double LogDet) Solve(Matrix<double> precision, Vector<double> shift)
    {
        int d = precision.RowCount;
        // Every diagonal entry is positive: each prior's is at least NumericLimits.MinPrecisionDiagonal, and data only add.
        var scale = Vector<double>.Build.Dense(d, i => 1 / Math.Sqrt(precision[i, i]));
        var scaled = Matrix<double>.Build.Dense(d, d, (i, j) => i == j ? 1 : precision[i, j] * scale[i] * scale[j]);
        MathNet.Numerics.LinearAlgebra.Factorization.Cholesky<double> cholesky;
        try
        {
            cholesky = scaled.Cholesky();
        }
        catch (ArgumentException)
        {
            // MathNet's message ("Matrix must be positive definite") names neither the problem nor the cause.
            throw new ProblemValidationException("prior",
                "the posterior precision (the prior's precision plus every block's x xᵀ / sigma²) is not positive definite in double precision: " +
                "the prior is too weak beside observations that leave a direction nearly undetermined (a condition number beyond about 1e16); " +
                "give the prior a smaller scale or rescale the design");
        }
        var inverse = cholesky.Solve(Matrix<double>.Build.DenseIdentity(d));
        var mean = scale.PointwiseMultiply(cholesky.Solve(scale.PointwiseMultiply(shift)));
        var covariance = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                covariance[i, j] = 0.5 * (inverse[i, j] + inverse[j, i]) * scale[i] * scale[j];
            }
        }
        double logDet = cholesky.DeterminantLn;
        for (int i = 0; i < d; i++)
        {
            logDet += Math.Log(precision[i, i]);
        }
        return (mean.ToArray(), covariance, logDet);
    }

    /// <summary>A mean beyond double's range: the data pull a coordinate that far where the prior is too weak to hold it.</summary>
    private static void CheckFinite(double[] mean, double[,] covariance)
    {
        for (int i = 0; i < mean.Length; i++)
        {
            if (!double.IsFinite(mean[i]) || !double.IsFinite(covariance[i, i]))
            {
                throw new ProblemValidationException("prior",
                    $"the exact posterior of z[{i}] overflows double arithmetic (mean {Check.Format(mean[i])}, variance {Check.Format(covariance[i, i])}): " +
                    "the prior is too weak to hold a coordinate that the observations' numbers pull beyond 1e308");
            }
        }
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
                shift[i] += Finite(p * g.Loc[i], $"prior.loc[{i}]", "the prior's precision times its location, loc / scale²");
            }
            return;
        }
        var f = (FullRankGaussianPrior)prior;
        var p0 = Matrix<double>.Build.DenseOfArray(f.Precision);
        precision.Add(p0, precision);
        var priorShift = p0 * Vector<double>.Build.DenseOfArray(f.Loc);
        for (int i = 0; i < d; i++)
        {
            shift[i] += Finite(priorShift[i], $"prior.loc[{i}]", "the prior's precision times its location, (precision · loc)");
        }
    }

    private static void AddBlock(ObservationBlock block, int index, Matrix<double> precision, Vector<double> shift)
    {
        int d = precision.RowCount;
        if (block is LinearGaussianBlock linear)
        {
            for (int n = 0; n < linear.Count; n++)
            {
                var x = linear.Row(n);
                double w = linear.WeightOf(n) / (linear.Sigma[n] * linear.Sigma[n]);
                bool finite = true;
                for (int i = 0; i < d; i++)
                {
                    // The products of two inputs come first: within NumericLimits they cannot overflow, so only a true
                    // overflow of the product with 1 / sigma² trips the check.
                    shift[i] += w * (linear.Y[n] * x[i]);
                    finite &= double.IsFinite(shift[i]);
                    for (int j = 0; j < d; j++)
                    {
                        precision[i, j] += w * (x[i] * x[j]);
                        finite &= double.IsFinite(precision[i, j]);
                    }
                }
                if (!finite)
                {
                    throw Overflow($"observations[{index}].x[{n}]", $"adding the row's information x xᵀ / sigma² and x y / sigma² (sigma = {Check.Format(linear.Sigma[n])}) to the posterior");
                }
            }
            return;
        }
        var direct = (DirectGaussianBlock)block;
        for (int n = 0; n < direct.Count; n++)
        {
            var y = direct.Row(n);
            double w = 1 / (direct.Sigma[n] * direct.Sigma[n]);
            bool finite = true;
            for (int i = 0; i < d; i++)
            {
                precision[i, i] += w;
                shift[i] += w * y[i];
                finite &= double.IsFinite(precision[i, i]) && double.IsFinite(shift[i]);
            }
            if (!finite)
            {
                throw Overflow($"observations[{index}].y[{n}]", $"adding the row's information 1 / sigma² and y / sigma² (sigma = {Check.Format(direct.Sigma[n])}) to the posterior");
            }
        }
    }

    /// <summary>The value, or a rejection naming <paramref name="path"/> when the step that produced it overflowed.</summary>
    private static double Finite(double value, string path, string what) => double.IsFinite(value) ? value : throw Overflow(path, what);

    private static ProblemValidationException Overflow(string path, string what) =>
        new(path, $"{what} overflows double arithmetic; rescale the problem");
}
