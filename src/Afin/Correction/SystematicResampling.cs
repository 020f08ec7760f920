using Afin.References;

namespace Afin.Correction;

/// <summary>
/// Systematic resampling: one uniform offset u and the evenly spaced points (u + i) / count, each picking
/// the draw whose cumulative weight interval contains it. Every draw is copied within one of its
/// expected count w·count, so the resampled set adds less noise than multinomial resampling.
/// </summary>
internal static class SystematicResampling
{
    /// <summary>The indices of the selected draws, ascending, for weights that sum to one with at least one positive.</summary>
    internal static int[] Indices(double[] weights, int count, long seed)
    {
        // Rounding can leave the cumulative sum a hair below 1, so the walk is capped at the last
        // draw with positive weight rather than the last draw, which might have none.
        int last = LastPositive(weights);
        // Stream 0 of the library's own generator: a seed gives the same selection on every runtime.
        double offset = new Xoshiro256StarStar(seed, 0).NextDouble();
        var indices = new int[count];
        int j = 0;
        double cumulative = weights[0];
        for (int i = 0; i < count; i++)
        {
            double position = (offset + i) / count;
            while (position >= cumulative && j < last)
            {
                j++;
                cumulative += weights[j];
            }
            indices[i] = j;
        }
        return indices;
    }

    private static int LastPositive(double[] weights)
    {
        for (int i = weights.Length - 1; i >= 0; i--)
        {
            if (weights[i] > 0)
            {
                return i;
            }
        }
        throw new InvalidOperationException("no draw has positive weight.");
    }
}
