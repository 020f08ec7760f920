namespace Afin.MLNet.Simulation;

/// <summary>One row's outputs (NaN-filled with the reason when the row failed under the Flag policy).</summary>
internal sealed class SimulationPosteriorRow
{
    public double[] Mean = [];
    public double[] Median = [];
    public double[] Lower = [];
    public double[] Upper = [];
    public double[] Samples = [];
    public string Error = "";
}
