namespace Afin.Prediction;

/// <summary>How <see cref="PosteriorPredictive"/> summarises predictive distributions.</summary>
public sealed record PredictionOptions
{
    /// <summary>The probability of the central interval (default 0.9: from the 5% to the 95% quantile).</summary>
    public double Level { get; init; } = 0.9;

    /// <summary>Posterior draws taken from a posterior that is not Gaussian (flow, importance sampling, NUTS); default 4000.</summary>
    public int Draws { get; init; } = 4000;

    /// <summary>Seeds those draws, so the same seed gives the same predictions.</summary>
    public int Seed { get; init; }

    /// <summary>Checks the options; the message names the field.</summary>
    /// <exception cref="ArgumentException">A field is out of range.</exception>
    public void Validate()
    {
        if (!(Level > 0 && Level < 1))
        {
            throw new ArgumentException($"{nameof(Level)}: expected a probability strictly between 0 and 1, got {Level}");
        }
        if (Draws < 100)
        {
            throw new ArgumentException($"{nameof(Draws)}: expected at least 100, got {Draws}");
        }
    }
}
