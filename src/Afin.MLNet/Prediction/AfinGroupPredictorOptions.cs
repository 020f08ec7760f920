using System.Text.Json.Serialization;
using Afin.Inference;
using Afin.Persistence;

namespace Afin.MLNet.Prediction;

/// <summary>
/// Options of <see cref="AfinGroupPredictorEstimator"/>: how observation rows form one Bayesian model per group
/// (<see cref="Grouping"/>), how each group's posterior is computed, and the columns the scored rows get.
/// </summary>
public sealed record AfinGroupPredictorOptions
{
    /// <summary>
    /// The group key, feature, label, likelihood family, noise, trials, offset and prior of the observation rows, as for
    /// <c>mlContext.Data.GroupObservations</c>. Scoring reads the same feature, offset, trials, noise-scale and
    /// degrees-of-freedom columns (not the label).
    /// </summary>
    public ObservationGroupingOptions Grouping { get; init; } = new();

    /// <summary>How each group's posterior is computed at Fit (default <see cref="InferenceMode.Auto"/>).</summary>
    public InferenceMode Mode { get; init; } = InferenceMode.Auto;

    /// <summary>An AFIN model file; null: the default model shipped in Afin.dll (not used in Laplace mode).</summary>
    public string? ModelPath { get; init; }

    /// <summary>A loaded model (takes precedence over <see cref="ModelPath"/>). Not saved: the group posteriors are.</summary>
    [JsonIgnore]
    public AfinModel? Model { get; init; }

    /// <summary>The probability of the central interval [<see cref="LowerColumn"/>, <see cref="UpperColumn"/>] (default 0.9).</summary>
    public double Level { get; init; } = 0.9;

    /// <summary>Output (Single): the predictive mean of y; P(y = 1) for binary rows, the expected count for counts.</summary>
    public string ScoreColumn { get; init; } = "Score";

    /// <summary>Output (Single): the lower end of the central prediction interval, observation noise included.</summary>
    public string LowerColumn { get; init; } = "Lower";

    /// <summary>Output (Single): the upper end of that interval.</summary>
    public string UpperColumn { get; init; } = "Upper";

    /// <summary>Output (Single), <c>bernoulli_logit</c> only: P(y = 1).</summary>
    public string ProbabilityColumn { get; init; } = "Probability";

    /// <summary>Output (Boolean), <c>bernoulli_logit</c> only: whether P(y = 1) ≥ 0.5.</summary>
    public string PredictedLabelColumn { get; init; } = "PredictedLabel";

    /// <summary>Output (Boolean): whether the row's group was seen at Fit; a row of an unseen group gets the prior predictive.</summary>
    public string KnownGroupColumn { get; init; } = "KnownGroup";

    /// <summary>Output (only with <see cref="AfinFailurePolicy.Flag"/>): text, empty for a good row, else the reason.</summary>
    public string ErrorColumn { get; init; } = "Error";

    /// <summary>Throw on a bad row (default), or give it NaN outputs and the reason in <see cref="ErrorColumn"/>.</summary>
    public AfinFailurePolicy FailurePolicy { get; init; } = AfinFailurePolicy.Throw;

    /// <summary>Rows scored together by a cursor.</summary>
    public int BatchSize { get; init; } = 1024;

    /// <summary>Checks the options; the message names the field.</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Grouping, nameof(Grouping));
        Grouping.Validate();
        if (!Afin.Prediction.PredictiveLikelihood.Families.Contains(Grouping.LikelihoodFamily))
        {
            throw new ArgumentException($"{nameof(Grouping)}.{nameof(ObservationGroupingOptions.LikelihoodFamily)}: expected one of {string.Join(", ", Afin.Prediction.PredictiveLikelihood.Families)}, got '{Grouping.LikelihoodFamily}'");
        }
        if (!(Level > 0 && Level < 1))
        {
            throw new ArgumentException($"{nameof(Level)}: expected a probability strictly between 0 and 1, got {Level}");
        }
        if (BatchSize < 1)
        {
            throw new ArgumentException($"{nameof(BatchSize)}: expected >= 1, got {BatchSize}");
        }
        if (!Enum.IsDefined(Mode))
        {
            throw new ArgumentException($"{nameof(Mode)}: expected Amortized, Corrected, Auto or Laplace, got {(int)Mode}");
        }
    }

    /// <summary>The options of the posterior step: the problem columns GroupObservations writes, with this mode and model.</summary>
    internal AfinPosteriorOptions PosteriorOptions() =>
        Grouping.ProblemColumns with { Mode = Mode, ModelPath = ModelPath, Model = Model, FailurePolicy = FailurePolicy };
}
