using System.Globalization;

namespace Afin.Training;

/// <summary>
/// The share and the traits of user-like tasks in a <see cref="TaskDistribution"/>: regressions with an intercept,
/// correlated columns of unequal scale, indicator, dummy-coded and count columns, imbalanced or quasi-separated labels,
/// heavy-tailed noise and shrinkage priors. Each trait is a probability per task (or per column), so the mix is data
/// that a model file records.
/// </summary>
/// <remarks>
/// The true latent of every task is still drawn from the task's own prior, because forward-KL training learns the
/// posterior under the distribution the truth is drawn from: a truth drawn otherwise would teach the network a posterior
/// for a prior the problem does not state. "Plausible truths" are therefore reached through the priors (scales set per
/// unit of each column's spread, so the linear predictor has the drawn signal sd), and separation through rejection on
/// the simulated labels, which conditions on the data and leaves p(z | y) unchanged.
/// </remarks>
public sealed record UserTaskMix
{
    /// <summary>Probability that a task is user-like rather than one of the synthetic design kinds.</summary>
    public double Probability { get; init; } = 0.8;

    /// <summary>Probability that the first column is an intercept (a column of ones).</summary>
    public double InterceptProbability { get; init; } = 0.9;

    /// <summary>Weights of the kinds of the other columns: continuous, binary indicator, one-hot (dummy-coded group), count.</summary>
    public IReadOnlyList<double> ColumnKindWeights { get; init; } = [0.45, 0.25, 0.15, 0.15];

    /// <summary>Probability that continuous columns get unequal scales and locations (raw, uncentred features).</summary>
    public double UnscaledProbability { get; init; } = 0.5;

    /// <summary>Largest ratio between two continuous columns' scales in an unscaled design (scales log-uniform up to it).</summary>
    public double MaxScaleRatio { get; init; } = 1000;

    /// <summary>Largest loading of a column on the design's common factor (0: independent columns; below 1).</summary>
    public double MaxCorrelation { get; init; } = 0.8;

    /// <summary>Smallest and largest sd of the linear predictor (without intercept) that the priors are scaled to.</summary>
    public IReadOnlyList<double> SignalRange { get; init; } = [0.5, 3];

    /// <summary>Probability that a logit task's intercept prior is centred at a rare positive (or negative) rate.</summary>
    public double ImbalanceProbability { get; init; } = 0.35;

    /// <summary>Smallest target rate of the rarer label of an imbalanced logit task (rates log-uniform up to 0.15).</summary>
    public double MinPositiveRate { get; init; } = 0.02;

    /// <summary>Probability that a task with Bernoulli sites is conditioned on quasi-separation by a rare indicator.</summary>
    public double SeparationProbability { get; init; } = 0.15;

    /// <summary>Probability that the prior is a shrinkage prior (Laplace or Student-t of small scale) where the task's prior families allow.</summary>
    public double ShrinkageProbability { get; init; } = 0.3;

    /// <summary>
    /// Probability that a task with a shrinkage Student-t prior is conditioned on a strong signal: (z0, y) are redrawn
    /// until the Laplace mode of some coefficient (the intercept aside) lies at least 4 prior scales from the prior's
    /// centre. Users fit sparse models to data with a few strong effects, where the
    /// likelihood and the prior's spike disagree and the heavy tails give the posterior two modes; the prior's own draws
    /// rarely give such data. The condition reads y alone, so every posterior stays the stated one. 0 in model files
    /// written before it existed.
    /// </summary>
    public double StrongSignalProbability { get; init; }

    /// <summary>Smallest degrees of freedom of a shrinkage Student-t prior or a robust Student-t likelihood (heavy tails, outliers).</summary>
    public double MinDegreesOfFreedom { get; init; } = 2;

    /// <summary>Most trials of a binomial site (trials uniform from 1).</summary>
    public int MaxTrials { get; init; } = 20;

    /// <summary>Checks every field; throws <see cref="ArgumentException"/> naming it.</summary>
    public void Validate()
    {
        CheckProbability(nameof(Probability), Probability);
        CheckProbability(nameof(InterceptProbability), InterceptProbability);
        CheckProbability(nameof(UnscaledProbability), UnscaledProbability);
        CheckProbability(nameof(ImbalanceProbability), ImbalanceProbability);
        CheckProbability(nameof(SeparationProbability), SeparationProbability);
        CheckProbability(nameof(ShrinkageProbability), ShrinkageProbability);
        CheckProbability(nameof(StrongSignalProbability), StrongSignalProbability);
        if (ColumnKindWeights is null || ColumnKindWeights.Count != 4 || ColumnKindWeights.Any(w => !(w >= 0)) || !(ColumnKindWeights.Sum() > 0))
        {
            throw new ArgumentException($"{nameof(ColumnKindWeights)}: expected 4 non-negative weights (continuous, binary, one-hot, count) with a positive sum");
        }
        Require(nameof(MaxScaleRatio), MaxScaleRatio >= 1 && double.IsFinite(MaxScaleRatio), "a finite ratio >= 1", MaxScaleRatio);
        Require(nameof(MaxCorrelation), MaxCorrelation >= 0 && MaxCorrelation < 1, "a loading in [0, 1)", MaxCorrelation);
        if (SignalRange is null || SignalRange.Count != 2 || !(SignalRange[0] > 0) || !(SignalRange[1] >= SignalRange[0]) || !double.IsFinite(SignalRange[1]))
        {
            throw new ArgumentException($"{nameof(SignalRange)}: expected [min, max] with 0 < min <= max");
        }
        Require(nameof(MinPositiveRate), MinPositiveRate > 0 && MinPositiveRate <= 0.15, "a rate in (0, 0.15]", MinPositiveRate);
        Require(nameof(MinDegreesOfFreedom), MinDegreesOfFreedom >= 1 && MinDegreesOfFreedom <= 8, "a value in [1, 8]", MinDegreesOfFreedom);
        Require(nameof(MaxTrials), MaxTrials is >= 1 and <= 1000, "a count in [1, 1000]", MaxTrials);
    }

    /// <summary>Every field, lists as their elements, numbers in the invariant culture (as <see cref="TaskDistribution"/> prints).</summary>
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        static string List(IEnumerable<double> items) => "[" + string.Join(", ", items.Select(i => i.ToString(CultureInfo.InvariantCulture))) + "]";
        builder.Append(CultureInfo.InvariantCulture,
            $"Probability = {Probability}, InterceptProbability = {InterceptProbability}, ColumnKindWeights = {List(ColumnKindWeights)}, ");
        builder.Append(CultureInfo.InvariantCulture,
            $"UnscaledProbability = {UnscaledProbability}, MaxScaleRatio = {MaxScaleRatio}, MaxCorrelation = {MaxCorrelation}, SignalRange = {List(SignalRange)}, ");
        builder.Append(CultureInfo.InvariantCulture,
            $"ImbalanceProbability = {ImbalanceProbability}, MinPositiveRate = {MinPositiveRate}, SeparationProbability = {SeparationProbability}, ");
        builder.Append(CultureInfo.InvariantCulture,
            $"ShrinkageProbability = {ShrinkageProbability}, StrongSignalProbability = {StrongSignalProbability}, MinDegreesOfFreedom = {MinDegreesOfFreedom}, MaxTrials = {MaxTrials}");
        return true;
    }

    private static void CheckProbability(string name, double p) =>
        Require(name, p >= 0 && p <= 1, "a probability in [0, 1]", p);

    private static void Require(string name, bool ok, string expected, double value)
    {
        if (!ok)
        {
            throw new ArgumentException($"{nameof(UserTaskMix)}.{name}: expected {expected}, got {value.ToString(CultureInfo.InvariantCulture)}");
        }
    }
}
