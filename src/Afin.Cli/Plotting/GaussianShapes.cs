namespace Afin.Cli.Plotting;

/// <summary>The density curve and contour ellipses of a Gaussian, for methods whose posterior is exactly Gaussian.</summary>
internal static class GaussianShapes
{
    /// <summary>The normal density N(mean, sd²) at each grid value.</summary>
    internal static double[] Curve(double mean, double sd, double[] grid) =>
        grid.Select(x => Math.Exp(-0.5 * Math.Pow((x - mean) / sd, 2)) / (sd * Math.Sqrt(2 * Math.PI))).ToArray();

    /// <summary>
    /// The ellipse at Mahalanobis radius <paramref name="radius"/> of a 2-D Gaussian, as a closed polyline
    /// (xs, ys) in data coordinates: mean + radius L (cos t, sin t), with L the Cholesky factor of the covariance.
    /// It holds 1 - exp(-radius² / 2) of the mass: 39% at radius 1, 86% at radius 2.
    /// </summary>
    internal static (double[] X, double[] Y) Ellipse(double meanX, double meanY, double varX, double covXY, double varY, double radius, int points = 121)
    {
        double l11 = Math.Sqrt(varX);
        double l21 = covXY / l11;
        double l22 = Math.Sqrt(Math.Max(varY - l21 * l21, 0));
        var xs = new double[points];
        var ys = new double[points];
        for (int p = 0; p < points; p++)
        {
            double t = 2 * Math.PI * p / (points - 1);
            double a = radius * Math.Cos(t), b = radius * Math.Sin(t);
            xs[p] = meanX + l11 * a;
            ys[p] = meanY + l21 * a + l22 * b;
        }
        return (xs, ys);
    }

    /// <summary>The Mahalanobis radius of the ellipse holding the given mass: sqrt(-2 ln(1 - mass)).</summary>
    internal static double RadiusForMass(double mass) => Math.Sqrt(-2 * Math.Log(1 - mass));
}
