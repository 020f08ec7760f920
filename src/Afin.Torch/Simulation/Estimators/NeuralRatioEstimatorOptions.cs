namespace Afin.Simulation.Estimators;

/// <summary>The classifier of neural ratio estimation and how its posterior is read off.</summary>
public sealed record NeuralRatioEstimatorOptions
{
    /// <summary>The summary network.</summary>
    public SummaryNetworkOptions Summary { get; init; } = new();

    /// <summary>Hidden width of the classifier head that reads (theta, summary).</summary>
    public int HeadWidth { get; init; } = 64;

    /// <summary>Grid points for one parameter (the grid evaluator covers the prior's support, or +-6 prior-spread when unbounded).</summary>
    public int GridPoints { get; init; } = 512;

    /// <summary>Grid points per axis for two parameters.</summary>
    public int GridPointsPerAxis { get; init; } = 64;

    /// <summary>Posterior draws per data set in summaries (inverse CDF on the grid, or MCMC for three or more parameters).</summary>
    public int Samples { get; init; } = 1000;

    /// <summary>Warm-up iterations of the MCMC sampler (random-walk Metropolis on prior x ratio) per chain.</summary>
    public int McmcWarmup { get; init; } = 500;

    /// <summary>Parallel chains of the MCMC sampler.</summary>
    public int McmcChains { get; init; } = 8;

    /// <summary>Probability of the central credible interval in summaries.</summary>
    public double CredibleLevel { get; init; } = 0.9;

    /// <summary>Checks every field; the message names the field and what was expected.</summary>
    public void Validate()
    {
        Require(HeadWidth >= 1, nameof(HeadWidth), HeadWidth, "at least 1");
        Require(GridPoints >= 16, nameof(GridPoints), GridPoints, "at least 16");
        Require(GridPointsPerAxis >= 8, nameof(GridPointsPerAxis), GridPointsPerAxis, "at least 8");
        Require(Samples >= 1, nameof(Samples), Samples, "at least 1");
        Require(McmcWarmup >= 0, nameof(McmcWarmup), McmcWarmup, "0 or more");
        Require(McmcChains >= 1, nameof(McmcChains), McmcChains, "at least 1");
        Require(CredibleLevel > 0 && CredibleLevel < 1, nameof(CredibleLevel), CredibleLevel, "a probability in (0, 1)");
    }

    private static void Require(bool condition, string field, object value, string expected) =>
        OptionCheck.Require(condition, nameof(NeuralRatioEstimatorOptions), field, value, expected);
}
