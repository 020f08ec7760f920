namespace Afin.Network;

/// <summary>
/// A posterior approximation q(z) returned by <see cref="Persistence.AfinModel.Infer(Modelling.BayesianProblem)"/>.
/// Outputs are double precision and hold no native resources.
/// </summary>
public abstract class AfinPosterior : Correction.IImportanceProposal
{
    private protected AfinPosterior(int dimension)
    {
        Dimension = dimension;
    }

    /// <summary>The variational family.</summary>
    public abstract PosteriorFamily Family { get; }

    /// <summary>The latent dimension d.</summary>
    public int Dimension { get; }

    /// <summary>The mean of q (exact for the Gaussian family; see the subclass for the flow).</summary>
    public abstract double[] Mean { get; }

    /// <summary>The covariance of q, d x d (exact for the Gaussian family; see the subclass for the flow).</summary>
    public abstract double[,] Covariance { get; }

    /// <summary>Draws <paramref name="count"/> samples (count x d); the same seed gives the same draws.</summary>
    public abstract double[,] Sample(int count, int seed);

    /// <summary>log q at each row of <paramref name="points"/> (n x d).</summary>
    public abstract double[] LogDensity(double[,] points);

    private protected void CheckPoints(double[,] points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.GetLength(1) != Dimension)
        {
            throw new ArgumentException($"expected points with {Dimension} columns, got {points.GetLength(1)}", nameof(points));
        }
    }

    private protected static void CheckCount(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
    }
}
