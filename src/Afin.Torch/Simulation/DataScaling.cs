using static TorchSharp.torch;

namespace Afin.Simulation;

/// <summary>Per-element standardisation of data sets by the training set's mean and spread, so summary networks see unit-scale inputs whatever the simulator's units.</summary>
internal sealed record DataScaling(float[] Mean, float[] Scale)
{
    /// <summary>
    /// Fits the scaling on a training set. Replicates share one scaling per feature (column), pooled over replicates:
    /// a scaling per replicate position would make the input depend on replicate order and break the exchangeability
    /// that DeepSets relies on. Vectors and grids get one scaling per element.
    /// </summary>
    internal static DataScaling Fit(SimulationSet set)
    {
        int size = set.Shape.Size, count = set.Count;
        int period = set.Shape.Layout == DataLayout.Replicates ? set.Shape.Columns : size;
        var sum = new double[period];
        var squares = new double[period];
        for (int i = 0; i < count; i++)
        {
            var row = set.DataOf(i);
            for (int k = 0; k < size; k++)
            {
                sum[k % period] += row[k];
                squares[k % period] += (double)row[k] * row[k];
            }
        }
        double samples = (double)count * (size / period);
        var mean = new float[size];
        var scale = new float[size];
        for (int k = 0; k < size; k++)
        {
            double m = sum[k % period] / samples;
            double variance = squares[k % period] / samples - m * m;
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
