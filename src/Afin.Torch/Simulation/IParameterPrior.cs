namespace Afin.Simulation;

/// <summary>
/// A prior over the parameters theta of a simulator: it draws parameters for training and gives the log-density that
/// ratio estimation multiplies by the learned likelihood ratio.
/// </summary>
public interface IParameterPrior
{
    /// <summary>Number of parameters.</summary>
    int Dimension { get; }

    /// <summary>Draws one parameter vector.</summary>
    double[] Sample(Random random);

    /// <summary>The log-density at <paramref name="theta"/>; negative infinity outside the support.</summary>
    double LogDensity(ReadOnlySpan<double> theta);

    /// <summary>The lower and upper end of the support of parameter <paramref name="index"/> (infinite when unbounded).</summary>
    (double Lower, double Upper) Support(int index);
}
