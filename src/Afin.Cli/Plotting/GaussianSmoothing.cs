namespace Afin.Cli.Plotting;

/// <summary>Convolution of grid weights with an unnormalised Gaussian kernel exp(-k² / 2σ²), σ in grid steps.</summary>
internal static class GaussianSmoothing
{
    /// <summary>The smoothed copy of a vector.</summary>
    internal static double[] Smooth(double[] weights, double sigma)
    {
        var kernel = Kernel(sigma);
        int reach = kernel.Length - 1;
        var result = new double[weights.Length];
        for (int g = 0; g < weights.Length; g++)
        {
            double sum = 0;
            for (int k = Math.Max(0, g - reach); k <= Math.Min(weights.Length - 1, g + reach); k++)
            {
                sum += weights[k] * kernel[Math.Abs(g - k)];
            }
            result[g] = sum;
        }
        return result;
    }

    /// <summary>The smoothed copy of a matrix: rows with <paramref name="sigmaColumns"/>, then columns with <paramref name="sigmaRows"/> (the kernel is separable).</summary>
    internal static double[,] Smooth(double[,] weights, double sigmaRows, double sigmaColumns)
    {
        int rows = weights.GetLength(0), columns = weights.GetLength(1);
        var result = new double[rows, columns];
        for (int i = 0; i < rows; i++)
        {
            var row = Smooth(Enumerable.Range(0, columns).Select(j => weights[i, j]).ToArray(), sigmaColumns);
            for (int j = 0; j < columns; j++)
            {
                result[i, j] = row[j];
            }
        }
        for (int j = 0; j < columns; j++)
        {
            var column = Smooth(Enumerable.Range(0, rows).Select(i => result[i, j]).ToArray(), sigmaRows);
            for (int i = 0; i < rows; i++)
            {
                result[i, j] = column[i];
            }
        }
        return result;
    }

    /// <summary>Kernel values at 0, 1, ... steps, cut at four standard deviations.</summary>
    private static double[] Kernel(double sigma)
    {
        int reach = Math.Max(1, (int)Math.Ceiling(4 * sigma));
        return Enumerable.Range(0, reach + 1).Select(k => Math.Exp(-0.5 * k * k / (sigma * sigma))).ToArray();
    }
}
