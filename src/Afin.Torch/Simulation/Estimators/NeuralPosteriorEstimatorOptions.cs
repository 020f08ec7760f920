namespace Afin.Simulation.Estimators;

/// <summary>The conditional density of neural posterior estimation and how summaries are drawn from it.</summary>
public sealed record NeuralPosteriorEstimatorOptions
{
    /// <summary>The summary network.</summary>
    public SummaryNetworkOptions Summary { get; init; } = new();

    /// <summary>The density family.</summary>
    public PosteriorDensityKind Density { get; init; } = PosteriorDensityKind.SplineFlow;

    /// <summary>Hidden width of the networks that read the summary.</summary>
    public int HeadWidth { get; init; } = 64;

    /// <summary>Spline layers of the flow.</summary>
    public int FlowLayers { get; init; } = 4;

    /// <summary>Bins of each rational-quadratic spline.</summary>
    public int SplineBins { get; init; } = 8;

    /// <summary>Components of the Gaussian mixture.</summary>
    public int MixtureComponents { get; init; } = 5;

    /// <summary>Posterior draws per data set in summaries.</summary>
    public int Samples { get; init; } = 1000;

    /// <summary>Probability of the central credible interval in summaries.</summary>
    public double CredibleLevel { get; init; } = 0.9;

    /// <summary>Checks every field; the message names the field and what was expected.</summary>
    public void Validate()
    {
        Require(HeadWidth >= 1, nameof(HeadWidth), HeadWidth, "at least 1");
        Require(FlowLayers >= 1, nameof(FlowLayers), FlowLayers, "at least 1");
        Require(SplineBins >= 2, nameof(SplineBins), SplineBins, "at least 2");
        Require(MixtureComponents >= 1, nameof(MixtureComponents), MixtureComponents, "at least 1");
        Require(Samples >= 1, nameof(Samples), Samples, "at least 1");
        Require(CredibleLevel > 0 && CredibleLevel < 1, nameof(CredibleLevel), CredibleLevel, "a probability in (0, 1)");
    }

    private static void Require(bool condition, string field, object value, string expected) =>
        OptionCheck.Require(condition, nameof(NeuralPosteriorEstimatorOptions), field, value, expected);
}
