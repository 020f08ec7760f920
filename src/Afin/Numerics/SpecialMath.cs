namespace Afin.Numerics;

/// <summary>Elementary functions the base library lacks in an accurate form.</summary>
internal static class SpecialMath
{
    /// <summary>log(1 + x), accurate for small |x| (Goldberg's trick; double.LogP1 is just Log(1 + x)).</summary>
    internal static double Log1P(double x)
    {
        double u = 1 + x;
        return u == 1 ? x : Math.Log(u) * x / (u - 1);
    }
}
