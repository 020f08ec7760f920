using Afin.Numerics;

namespace Afin.Correction;

/// <summary>
/// A generalized Pareto distribution with location 0, F(x) = 1 - (1 + k x / σ)^(-1/k), in the sign
/// convention where a positive shape k means a heavy (power-law) tail with finite moments only below
/// order 1/k, and a negative shape means a bounded support [0, σ / |k|].
/// </summary>
/// <param name="Shape">The shape k.</param>
/// <param name="Scale">The scale σ &gt; 0.</param>
internal readonly record struct GeneralizedPareto(double Shape, double Scale)
{
    /// <summary>The p-quantile, σ ((1 - p)^(-k) - 1) / k, or -σ log(1 - p) in the exponential limit k = 0.</summary>
    internal double Quantile(double p)
    {
        double log1mp = SpecialMath.Log1P(-p);
        if (Shape == 0)
        {
            return -Scale * log1mp;
        }
        // expm1 keeps precision when k log(1 - p) is tiny, where the naive form cancels.
        return Scale * double.ExpM1(-Shape * log1mp) / Shape;
    }
}
