namespace Afin.Simulation.Estimators;

/// <summary>What a neural Bayes estimator learns: the posterior mean (squared loss) and/or posterior quantiles (pinball loss; the median is the 0.5 quantile, whose pinball loss is half the absolute loss).</summary>
public sealed record NeuralBayesEstimatorOptions
{
    /// <summary>The summary network.</summary>
    public SummaryNetworkOptions Summary { get; init; } = new();

    /// <summary>Hidden width of the head that maps summaries to estimates.</summary>
    public int HeadWidth { get; init; } = 64;

    /// <summary>Quantile levels, strictly increasing in (0, 1); the default gives the median and a 90% interval.</summary>
    public double[] Quantiles { get; init; } = [0.05, 0.5, 0.95];

    /// <summary>Also learn the posterior mean.</summary>
    public bool IncludeMean { get; init; } = true;

    /// <summary>Checks every field; the message names the field, the index and what was expected.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Quantiles, nameof(Quantiles));
        if (HeadWidth < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(HeadWidth), HeadWidth, $"NeuralBayesEstimatorOptions.HeadWidth = {HeadWidth}; expected at least 1");
        }
        if (Quantiles.Length == 0 && !IncludeMean)
        {
            throw new ArgumentException("NeuralBayesEstimatorOptions: no target; give Quantiles or set IncludeMean");
        }
        for (int k = 0; k < Quantiles.Length; k++)
        {
            if (!(Quantiles[k] > 0 && Quantiles[k] < 1) || (k > 0 && !(Quantiles[k] > Quantiles[k - 1])))
            {
                throw new ArgumentException($"NeuralBayesEstimatorOptions.Quantiles[{k}] = {Quantiles[k]}; expected levels in (0, 1), strictly increasing");
            }
        }
    }
}
