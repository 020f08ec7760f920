using static TorchSharp.torch;

namespace Afin.Simulation;

/// <summary>
/// How parameters are presented to a network: optionally mapped from a bounded support to the real line (logit), then
/// standardised by the training set's mean and spread. Networks train best on unit-scale inputs and targets, and a
/// density estimated on the logit scale never puts mass outside the prior's support.
/// </summary>
internal sealed record ParameterScaling(double[] Lower, double[] Upper, bool[] Logit, double[] Mean, double[] Scale)
{
    /// <summary>Fits the scaling to training parameters (row-major, <paramref name="dimension"/> per row).</summary>
    internal static ParameterScaling Fit(double[] parameters, int dimension, IParameterPrior prior, bool logitForBounded)
    {
        var lower = new double[dimension];
        var upper = new double[dimension];
        var logit = new bool[dimension];
        for (int j = 0; j < dimension; j++)
        {
            (lower[j], upper[j]) = prior.Support(j);
            logit[j] = logitForBounded && double.IsFinite(lower[j]) && double.IsFinite(upper[j]);
        }
        var partial = new ParameterScaling(lower, upper, logit, new double[dimension], Enumerable.Repeat(1.0, dimension).ToArray());
        int count = parameters.Length / dimension;
        var mean = new double[dimension];
        var scale = new double[dimension];
        for (int j = 0; j < dimension; j++)
        {
            double sum = 0, squares = 0;
            for (int i = 0; i < count; i++)
            {
                double u = partial.Unconstrain(j, parameters[i * dimension + j]);
                sum += u;
                squares += u * u;
            }
            mean[j] = sum / count;
            double variance = squares / count - mean[j] * mean[j];
            scale[j] = variance > 1e-24 ? Math.Sqrt(variance) : 1.0;
        }
        return partial with { Mean = mean, Scale = scale };
    }

    internal int Dimension => Mean.Length;

    /// <summary>Parameters (row-major) as the network sees them: a float tensor (count, dimension).</summary>
    internal Tensor ToNetwork(ReadOnlySpan<double> parameters)
    {
        var values = new float[parameters.Length];
        for (int i = 0; i < values.Length; i++)
        {
            int j = i % Dimension;
            values[i] = (float)((Unconstrain(j, parameters[i]) - Mean[j]) / Scale[j]);
        }
        return tensor(values, [values.Length / Dimension, Dimension]);
    }

    /// <summary>Maps a network value of parameter <paramref name="index"/> back to the parameter scale.</summary>
    internal double FromNetwork(int index, double value)
    {
        double u = Mean[index] + Scale[index] * value;
        if (!Logit[index])
        {
            return u;
        }
        double unit = 1 / (1 + Math.Exp(-u));
        return Lower[index] + (Upper[index] - Lower[index]) * unit;
    }

    /// <summary>log |d(network value)/d theta| for one parameter vector: what turns a density of network values into a density of theta.</summary>
    internal double LogJacobian(ReadOnlySpan<double> theta)
    {
        double log = 0;
        for (int j = 0; j < Dimension; j++)
        {
            log -= Math.Log(Scale[j]);
            if (Logit[j])
            {
                double width = Upper[j] - Lower[j];
                double unit = (theta[j] - Lower[j]) / width;
                log -= Math.Log(width * unit * (1 - unit));
            }
        }
        return log;
    }

    private double Unconstrain(int j, double theta)
    {
        if (!Logit[j])
        {
            return theta;
        }
        // Clamp into the open interval: draws exactly at a bound (possible in float) would map to an infinite value.
        double unit = Math.Clamp((theta - Lower[j]) / (Upper[j] - Lower[j]), 1e-7, 1 - 1e-7);
        return Math.Log(unit / (1 - unit));
    }
}
