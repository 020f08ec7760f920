using System.Text.Json.Serialization;

namespace Afin.Simulation;

/// <summary>Independent uniform priors on a box: theta_j ~ U(lower_j, upper_j).</summary>
public sealed class UniformPrior : IParameterPrior
{
    /// <summary>Creates the prior; each lower end must be finite and below its upper end.</summary>
    [JsonConstructor]
    public UniformPrior(double[] lower, double[] upper)
    {
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(upper);
        if (lower.Length == 0 || lower.Length != upper.Length)
        {
            throw new ArgumentException($"lower has {lower.Length} entries and upper {upper.Length}; expected the same positive number", nameof(upper));
        }
        for (int j = 0; j < lower.Length; j++)
        {
            if (!double.IsFinite(lower[j]) || !double.IsFinite(upper[j]) || !(lower[j] < upper[j]))
            {
                throw new ArgumentException($"bounds[{j}] = ({lower[j]}, {upper[j]}); expected finite lower < upper", nameof(lower));
            }
        }
        Lower = (double[])lower.Clone();
        Upper = (double[])upper.Clone();
    }

    /// <summary>A one-parameter prior U(<paramref name="lower"/>, <paramref name="upper"/>).</summary>
    public UniformPrior(double lower, double upper) : this([lower], [upper])
    {
    }

    /// <summary>Lower ends.</summary>
    public double[] Lower { get; }

    /// <summary>Upper ends.</summary>
    public double[] Upper { get; }

    /// <inheritdoc />
    [JsonIgnore]
    public int Dimension => Lower.Length;

    /// <inheritdoc />
    public double[] Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var theta = new double[Dimension];
        for (int j = 0; j < theta.Length; j++)
        {
            theta[j] = Lower[j] + (Upper[j] - Lower[j]) * random.NextDouble();
        }
        return theta;
    }

    /// <inheritdoc />
    public double LogDensity(ReadOnlySpan<double> theta)
    {
        double log = 0;
        for (int j = 0; j < Dimension; j++)
        {
            if (theta[j] < Lower[j] || theta[j] > Upper[j])
            {
                return double.NegativeInfinity;
            }
            log -= Math.Log(Upper[j] - Lower[j]);
        }
        return log;
    }

    /// <inheritdoc />
    public (double Lower, double Upper) Support(int index) => (Lower[index], Upper[index]);
}
