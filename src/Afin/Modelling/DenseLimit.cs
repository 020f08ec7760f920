using System.Globalization;

namespace Afin.Modelling;

/// <summary>
/// The largest dimension d taken by the methods that hold d x d matrices: the exact posterior, the Laplace approximation
/// and, through its Laplace frame, AFIN. At d = 4096 one such matrix is 128 MiB and its Cholesky factorisation about 2e10
/// operations; a prior-only problem whose <c>d</c> field says 100000 would otherwise make the method allocate gigabytes
/// (d² overflows an int at d = 46341) before it computes anything.
/// </summary>
internal static class DenseLimit
{
    /// <summary>The largest d of a dense method.</summary>
    internal const int MaxDimension = 4096;

    /// <summary>Rejects, naming the <c>d</c> field, a problem too large for <paramref name="method"/>.</summary>
    /// <exception cref="ProblemValidationException">d exceeds <see cref="MaxDimension"/>.</exception>
    internal static void Check(BayesianProblem problem, string method)
    {
        if (problem.Dimension > MaxDimension)
        {
            double gib = 8.0 * problem.Dimension * problem.Dimension / (1 << 30);
            throw new ProblemValidationException("d",
                $"{method} holds d x d matrices and takes d up to {MaxDimension}, got d = {problem.Dimension} " +
                $"(one such matrix would take {gib.ToString("G3", CultureInfo.InvariantCulture)} GiB)");
        }
    }
}
