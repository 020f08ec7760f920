using Afin.Numerics;
using MathNet.Numerics;

namespace Afin.Modelling;

/// <summary>The Student-t log density, shared by the Student-t prior and the linear Student-t likelihood.</summary>
internal static class StudentTDensity
{
    /// <summary>The normalising constant of t_df(0, scale), computed once per factor because GammaLn is slow.</summary>
    internal static double LogNormaliser(double scale, double df) =>
        LogGammaRatio(df) - 0.5 * Math.Log(df * Math.PI) - Math.Log(scale);

    /// <summary>
    /// log Γ((df + 1) / 2) - log Γ(df / 2). For large df the two terms share most of their digits (at df = 1e15 each is
    /// about 1.7e16 and their difference, about 17, would be rounding noise), so beyond df = 1e5, where the difference is
    /// still accurate to about 1e-10, the asymptotic series ½ log(df / 2) - 1 / (4 df) + 1 / (24 df³) is used; its next
    /// term is below 1e-26 there.
    /// </summary>
    internal static double LogGammaRatio(double df) => df > 1e5
        ? 0.5 * Math.Log(0.5 * df) - 0.25 / df + 1 / (24 * df * df * df)
        : SpecialFunctions.GammaLn(0.5 * (df + 1)) - SpecialFunctions.GammaLn(0.5 * df);

    /// <summary>The r-dependent part of log t_df(r; 0, scale) and its derivative with respect to the residual r.</summary>
    internal static double LogKernel(double r, double scale, double df, out double dLogPdR)
    {
        double v = df * scale * scale;
        dLogPdR = -(df + 1) * r / (v + r * r);
        // r² / v overflows for a narrow factor far from its centre (v = 1e-300, r = 1e5) although the log density, about
        // -(df + 1) log|r| / sqrt(v), is finite: there 1 + r² / v is r² / v to the last digit.
        double ratio = r * r / v;
        double log1P = double.IsFinite(ratio) ? SpecialMath.Log1P(ratio) : 2 * Math.Log(Math.Abs(r)) - Math.Log(v);
        return -0.5 * (df + 1) * log1P;
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
        double squared = r * r;
        // Two ratios rather than one over (v + r²)²: that square underflows to 0 for a narrow factor (v below 1e-154) and
        // turns a finite curvature into an infinity. Beyond |r| = 1e154, where r² overflows, the curvature is -(df + 1) / r².
        double observed = double.IsFinite(squared)
            ? (df + 1) / (v + squared) * ((v - squared) / (v + squared))
            : -(df + 1) / r / r;
        return kind == CurvatureKind.Clipped ? Math.Max(observed, 0) : observed;
    }
}
