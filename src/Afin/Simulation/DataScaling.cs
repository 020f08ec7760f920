using static TorchSharp.torch;

namespace Afin.Simulation;

/// <summary>Per-element standardisation of data sets by the training set's mean and spread, so summary networks see unit-scale inputs whatever the simulator's units.</summary>
internal sealed record DataScaling(float[] Mean, float[] Scale)
{
    internal static DataScaling Fit(SimulationSet set)
    {
        int size = set.Shape.Size, count = set.Count;
        var sum = new double[size];
        var squares = new double[size];
        for (int i = 0; i < count; i++)
        {
            var row = set.DataOf(i);
            for (int k = 0; k < size; k++)
            {
                sum[k] += row[k];
                squares[k] += (double)row[k] * row[k];
            }
        }
        var mean = new float[size];
        var scale = new float[size];
        for (int k = 0; k < size; k++)
        {
            double m = sum[k] / count;
            double variance = squares[k] / count - m * m;
            mean[k] = (float)m;
            scale[k] = variance > 1e-12 ? (float)Math.Sqrt(variance) : 1f;
        }
        return new DataScaling(mean, scale);
    }

    /// <summary>Standardised data sets as a float tensor (count, size).</summary>
    internal Tensor ToNetwork(ReadOnlySpan<float> data)
    {
        int size = Mean.Length;
        var values = new float[data.Length];
        for (int i = 0; i < values.Length; i++)
        {
            int k = i % size;
            values[i] = (data[i] - Mean[k]) / Scale[k];
        }
        return tensor(values, [values.Length / size, size]);
    }
}
