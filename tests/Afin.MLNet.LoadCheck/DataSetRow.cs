using Microsoft.ML.Data;

namespace Afin.MLNet.LoadCheck;

/// <summary>One data set per row (six values), with the default SimulationPosterior input column name.</summary>
public sealed class DataSetRow
{
    /// <summary>The data set.</summary>
    [VectorType(6)]
    public float[] Data { get; set; } = new float[6];
}
