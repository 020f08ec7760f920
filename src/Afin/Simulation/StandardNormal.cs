namespace Afin.Simulation;

/// <summary>Standard normal draws from a <see cref="Random"/>, for simulators and priors.</summary>
public static class StandardNormal
{
    /// <summary>One N(0, 1) draw (Box-Muller on two uniforms; the first is kept away from zero).</summary>
    public static double Draw(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        double u = 1.0 - random.NextDouble();
        double v = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * v);
    }
}
