using Afin.Numerics;
using MathNet.Numerics;

namespace Afin.Modelling;

/// <summary>The Student-t log density, shared by the Student-t prior and the linear Student-t likelihood.</summary>
internal static class StudentTDensity
{
    /// <summary>The normalising constant of t_df(0, scale), computed once per factor because GammaLn is slow.</summary>
    internal static double LogNormaliser(double scale, double df) =>
        SpecialFunctions.GammaLn(0.5 * (df + 1)) - SpecialFunctions.GammaLn(0.5 * df) - 0.5 * Math.Log(df * Math.PI) - Math.Log(scale);

    /// <summary>The r-dependent part of log t_df(r; 0, scale) and its derivative with respect to the residual r.</summary>
    internal static double LogKernel(double r, double scale, double df, out double dLogPdR)
    {
        double v = df * scale * scale;
        dLogPdR = -(df + 1) * r / (v + r * r);
        return -0.5 * (df + 1) * SpecialMath.Log1P(r * r / v);
    }
}
