namespace Afin.Simulation;

/// <summary>
/// A simulator theta -> data whose likelihood need not be known. It is called with a batch of parameter vectors and a
/// <see cref="Random"/> seeded by the caller, so a seed reproduces every simulated data set.
/// </summary>
public interface ISimulator
{
    /// <summary>Number of parameters each call expects per data set.</summary>
    int ParameterCount { get; }

    /// <summary>The shape of one data set.</summary>
    DataShape Shape { get; }

    /// <summary>
    /// Simulates one data set per parameter vector: element i must hold <see cref="DataShape.Size"/> finite values
    /// (a grid row-major, replicates one after another). Wrong lengths and non-finite values are reported by the
    /// caller with the index of the offending simulation.
    /// </summary>
    float[][] Simulate(IReadOnlyList<double[]> parameters, Random random);
}
