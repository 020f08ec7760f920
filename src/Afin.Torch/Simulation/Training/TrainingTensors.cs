using static TorchSharp.torch;

namespace Afin.Simulation.Training;

/// <summary>A simulation set as network inputs: scaled parameters (count, p) and standardised data (count, size).</summary>
internal sealed record TrainingTensors(Tensor Parameters, Tensor Data) : IDisposable
{
    internal long Count => Parameters.shape[0];

    public void Dispose()
    {
        Parameters.Dispose();
        Data.Dispose();
    }
}
