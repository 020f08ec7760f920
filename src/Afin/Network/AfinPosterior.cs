namespace Afin.Network;

/// <summary>
/// A posterior approximation q(z) returned by <see cref="AfinNetwork.Infer"/>. Outputs are double precision and
/// detached from torch's autograd.
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

    /// <summary>Standard normal draws (count x d) from a CPU torch generator seeded with <paramref name="seed"/>.</summary>
    private protected static double[] StandardNormal(int count, int d, int seed)
    {
        if (count == 0 || d == 0)
        {
            return [];
        }
        using var scope = TorchSharp.torch.NewDisposeScope();
        using var generator = new TorchSharp.torch.Generator(unchecked((ulong)seed), TorchSharp.torch.CPU);
        var eps = TorchSharp.torch.randn([count, d], dtype: TorchSharp.torch.ScalarType.Float64, device: TorchSharp.torch.CPU, generator: generator);
        return eps.data<double>().ToArray();
    }
}
