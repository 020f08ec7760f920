using System.Text.Json.Serialization;

namespace Afin.Simulation;

/// <summary>Independent normal priors: theta_j ~ N(mean_j, scale_j^2).</summary>
public sealed class NormalPrior : IParameterPrior
{
    /// <summary>Creates the prior; scales must be positive and finite.</summary>
    [JsonConstructor]
    public NormalPrior(double[] mean, double[] scale)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(scale);
        if (mean.Length == 0 || mean.Length != scale.Length)
        {
            throw new ArgumentException($"mean has {mean.Length} entries and scale {scale.Length}; expected the same positive number", nameof(scale));
        }
        for (int j = 0; j < mean.Length; j++)
        {
            if (!double.IsFinite(mean[j]) || !double.IsFinite(scale[j]) || scale[j] <= 0)
            {
                throw new ArgumentException($"mean[{j}] = {mean[j]}, scale[{j}] = {scale[j]}; expected a finite mean and a positive scale", nameof(scale));
            }
        }
        Mean = (double[])mean.Clone();
        Scale = (double[])scale.Clone();
    }

    /// <summary>A one-parameter prior N(<paramref name="mean"/>, <paramref name="scale"/>^2).</summary>
    public NormalPrior(double mean, double scale) : this([mean], [scale])
    {
    }

    /// <summary>Prior means.</summary>
    public double[] Mean { get; }

    /// <summary>Prior standard deviations.</summary>
    public double[] Scale { get; }

    /// <inheritdoc />
    [JsonIgnore]
    public int Dimension => Mean.Length;

    /// <inheritdoc />
    public double[] Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var theta = new double[Dimension];
        for (int j = 0; j < theta.Length; j++)
        {
            theta[j] = Mean[j] + Scale[j] * StandardNormal.Draw(random);
        }
        return theta;
    }

    /// <inheritdoc />
    public double LogDensity(ReadOnlySpan<double> theta)
    {
        double log = 0;
        for (int j = 0; j < Dimension; j++)
        {
            double z = (theta[j] - Mean[j]) / Scale[j];
            log += -0.5 * z * z - Math.Log(Scale[j]) - 0.5 * Math.Log(2 * Math.PI);
        }
        return log;
    }

    /// <inheritdoc />
    public (double Lower, double Upper) Support(int index) => (double.NegativeInfinity, double.PositiveInfinity);
}
