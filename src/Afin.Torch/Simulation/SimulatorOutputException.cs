namespace Afin.Simulation;

/// <summary>A simulator returned data of the wrong shape or with NaN or infinite values; the message names the simulation and the element.</summary>
public sealed class SimulatorOutputException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SimulatorOutputException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public SimulatorOutputException() : this("the simulator returned invalid data")
    {
    }

    /// <summary>Creates the exception with an inner exception.</summary>
    public SimulatorOutputException(string message, Exception inner) : base(message, inner)
    {
    }
}
