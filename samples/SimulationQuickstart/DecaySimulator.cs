using Afin.Simulation;

namespace Afin.Samples.SimulationQuickstart;

/// <summary>
/// A simulator the library knows nothing about: a quantity decaying as amplitude * exp(-rate * t), measured at 20
/// times with noise. Parameters (amplitude, rate); data 20 noisy measurements. Any code that maps parameters and a
/// seeded Random to data fits the ISimulator interface.
/// </summary>
internal sealed class DecaySimulator : ISimulator
{
    internal const int Times = 20;
    private const double NoiseScale = 0.1;

    public int ParameterCount => 2;

    public DataShape Shape => DataShape.Vector(Times);

    public float[][] Simulate(IReadOnlyList<double[]> parameters, Random random) =>
        parameters.Select(theta => Enumerable.Range(0, Times)
            .Select(t => (float)(theta[0] * Math.Exp(-theta[1] * t * 0.25) + NoiseScale * StandardNormal.Draw(random)))
            .ToArray()).ToArray();
}
