using System.Runtime.InteropServices;

namespace Afin.Modelling;

/// <summary>
/// The log joint density log p(z) + sum_n log p(y_n | z) of a <see cref="BayesianProblem"/> (the
/// unnormalised log posterior, with every normalising constant of the factors included), and its
/// analytic gradient, in double precision.
/// </summary>
/// <remarks>Evaluation does not allocate and keeps no state, so one instance may be shared across threads.</remarks>
public sealed class PosteriorLogDensity : ILogDensity
{
    private readonly BayesianProblem _problem;

    internal PosteriorLogDensity(BayesianProblem problem)
    {
        _problem = problem;
    }

    /// <inheritdoc />
    public int Dimension => _problem.Dimension;

    /// <inheritdoc />
    public double Evaluate(ReadOnlySpan<double> z, Span<double> gradient)
    {
        int d = Dimension;
        if (z.Length != d || gradient.Length != d)
        {
            throw new ArgumentException($"expected z and gradient of length d = {d}, got {z.Length} and {gradient.Length}");
        }
        gradient.Clear();
        double logp = _problem.Prior.AddLogDensity(z, gradient);
        var blocks = _problem.Blocks;
        for (int b = 0; b < blocks.Count; b++)
        {
            logp += blocks[b].AddLogLikelihood(z, gradient);
        }
        return logp;
    }

    /// <summary>The log density alone, for callers that do not need the gradient.</summary>
    public double Evaluate(ReadOnlySpan<double> z)
    {
        Span<double> scratch = z.Length <= 256 ? stackalloc double[z.Length] : new double[z.Length];
        return Evaluate(z, scratch);
    }

    /// <summary>
    /// Evaluates a batch of points given as the rows of a B x d matrix, writing B log densities and a
    /// B x d gradient matrix.
    /// </summary>
    /// <param name="points">B points, one per row.</param>
    /// <param name="logDensities">Receives B values.</param>
    /// <param name="gradients">Receives B gradients, one per row.</param>
    public void EvaluateBatch(double[,] points, Span<double> logDensities, double[,] gradients)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(gradients);
        int count = points.GetLength(0), d = Dimension;
        if (points.GetLength(1) != d || gradients.GetLength(0) != count || gradients.GetLength(1) != d || logDensities.Length != count)
        {
            throw new ArgumentException($"expected points and gradients of shape {count} x {d} and {count} log densities");
        }
        var z = new double[d];
        var g = new double[d];
        for (int b = 0; b < count; b++)
        {
            for (int i = 0; i < d; i++)
            {
                z[i] = points[b, i];
            }
            logDensities[b] = Evaluate(z, g);
            for (int i = 0; i < d; i++)
            {
                gradients[b, i] = g[i];
            }
        }
    }

    /// <summary>
    /// The log density alone at each row of a B x d matrix: the importance weights' inner loop. The blocks evaluate all
    /// points at once (a linear block forms the predictors from its transposed design and no gradient), which for
    /// realistic regressions is several times faster than <see cref="Evaluate(ReadOnlySpan{double})"/> point by point.
    /// </summary>
    /// <param name="points">B points, one per row.</param>
    /// <param name="logDensities">Receives B values.</param>
    internal void EvaluateValues(double[,] points, Span<double> logDensities)
    {
        int count = points.GetLength(0), d = Dimension;
        if (points.GetLength(1) != d || logDensities.Length != count)
        {
            throw new ArgumentException($"expected points of shape {count} x {d} and {count} log densities");
        }
        var flat = points.Length == 0 ? ReadOnlySpan<double>.Empty : MemoryMarshal.CreateReadOnlySpan(ref points[0, 0], points.Length);
        Span<double> scratch = d <= 256 ? stackalloc double[d] : new double[d];
        for (int b = 0; b < count; b++)
        {
            logDensities[b] = _problem.Prior.AddLogDensity(flat.Slice(b * d, d), scratch);
        }
        foreach (var block in _problem.Blocks)
        {
            block.AddLogLikelihoods(flat, count, logDensities);
        }
    }

    /// <inheritdoc />
    public ILogDensity CreateWorker() => this;
}
