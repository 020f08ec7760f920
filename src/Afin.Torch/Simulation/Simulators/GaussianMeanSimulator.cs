namespace Afin.Simulation.Simulators;

/// <summary>
/// The conjugate check for every method: <see cref="Observations"/> exchangeable draws y_k ~ N(mu, sigma^2) with known
/// sigma, parameter mu. With a normal prior the posterior of mu is normal and known exactly (<see cref="Posterior"/>).
/// </summary>
public sealed class GaussianMeanSimulator : ISimulator
{
    /// <summary>Creates the simulator.</summary>
    /// <param name="observations">Draws per data set.</param>
    /// <param name="noiseScale">The known standard deviation sigma.</param>
    /// <param name="asReplicates">Lay the draws out as replicates (DeepSets summary) rather than as a vector (MLP).</param>
    public GaussianMeanSimulator(int observations, double noiseScale = 1.0, bool asReplicates = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(observations, 1);
        if (!(noiseScale > 0) || !double.IsFinite(noiseScale))
        {
            throw new ArgumentOutOfRangeException(nameof(noiseScale), noiseScale, "expected a positive, finite standard deviation");
        }
        Observations = observations;
        NoiseScale = noiseScale;
        Shape = asReplicates ? DataShape.Replicates(observations, 1) : DataShape.Vector(observations);
    }

    /// <summary>Draws per data set.</summary>
    public int Observations { get; }

    /// <summary>The known noise standard deviation.</summary>
    public double NoiseScale { get; }

    /// <inheritdoc />
    public int ParameterCount => 1;

    /// <inheritdoc />
    public DataShape Shape { get; }

    /// <inheritdoc />
    public float[][] Simulate(IReadOnlyList<double[]> parameters, Random random)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var data = new float[parameters.Count][];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = new float[Observations];
            for (int k = 0; k < Observations; k++)
            {
                data[i][k] = (float)(parameters[i][0] + NoiseScale * StandardNormal.Draw(random));
            }
        }
        return data;
    }

    /// <summary>The exact posterior N(mean, sd^2) of mu under the prior N(<paramref name="priorMean"/>, <paramref name="priorScale"/>^2).</summary>
    public (double Mean, double StandardDeviation) Posterior(ReadOnlySpan<float> data, double priorMean, double priorScale)
    {
        double sum = 0;
        foreach (float y in data)
        {
            sum += y;
        }
        double precision = 1 / (priorScale * priorScale) + data.Length / (NoiseScale * NoiseScale);
        double mean = (priorMean / (priorScale * priorScale) + sum / (NoiseScale * NoiseScale)) / precision;
        return (mean, Math.Sqrt(1 / precision));
    }
}
