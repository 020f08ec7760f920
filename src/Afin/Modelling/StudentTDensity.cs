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

    /// <summary>
    /// -d²/dr² log t_df(r; 0, scale) = (df + 1)(df scale² - r²) / (df scale² + r²)², negative beyond |r| = sqrt(df) scale
    /// where the density is not log-concave; or, for <see cref="CurvatureKind.Expected"/>, the Fisher information of the
    /// location, (df + 1) / ((df + 3) scale²), which is always positive.
    /// </summary>
    internal static double Curvature(double r, double scale, double df, CurvatureKind kind)
    {
        double v = df * scale * scale;
        if (kind == CurvatureKind.Expected)
        {
            return (df + 1) / ((df + 3) * scale * scale);
        }
        double denominator = v + r * r;
        double observed = (df + 1) * (v - r * r) / (denominator * denominator);
        return kind == CurvatureKind.Clipped ? Math.Max(observed, 0) : observed;
    }
}
