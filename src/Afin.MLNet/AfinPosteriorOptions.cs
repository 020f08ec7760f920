using Afin.Inference;
using System.Text.Json.Serialization;
using Afin.Persistence;
using Afin.Training;

namespace Afin.MLNet;

/// <summary>What <see cref="AfinPosteriorTransformer"/> does with a row whose problem is invalid or whose inference fails.</summary>
public enum AfinFailurePolicy
{
    /// <summary>Throw an <see cref="InvalidOperationException"/> naming the row index and the reason (the default).</summary>
    Throw,

    /// <summary>Give the row NaN outputs and the reason in the <see cref="AfinPosteriorOptions.ErrorColumn"/> text column; other rows go on.</summary>
    Flag,
}

/// <summary>
/// Options of <see cref="AfinCatalog.AfinPosterior(Microsoft.ML.TransformsCatalog, AfinPosteriorOptions)"/>: input and output column
/// names, the model to start from, optional fine-tuning, posterior samples, batching, the inference mode and the failure
/// policy. Everything except <see cref="Model"/> and <see cref="Progress"/> is saved with the transformer in the ML.NET model zip.
/// </summary>
public sealed record AfinPosteriorOptions
{
    /// <summary>Text: the prior family (gaussian, full_rank_gaussian, student_t, laplace). Optional: when absent, <see cref="DefaultPriorFamily"/>.</summary>
    public string PriorFamilyColumn { get; init; } = "PriorFamily";

    /// <summary>Float or double vector (or scalar) of length d or 1: the prior location. Required.</summary>
    public string PriorLocColumn { get; init; } = "PriorLoc";

    /// <summary>Vector of length d or 1: the prior scale (gaussian, student_t, laplace).</summary>
    public string PriorScaleColumn { get; init; } = "PriorScale";

    /// <summary>Vector of length d*d, row-major: the prior precision (full_rank_gaussian only).</summary>
    public string PriorPrecisionColumn { get; init; } = "PriorPrecision";

    /// <summary>Scalar or vector of length d or 1: the prior degrees of freedom (student_t only).</summary>
    public string PriorDfColumn { get; init; } = "PriorDf";

    /// <summary>Text vector (or scalar) of length N or 1: the family of each likelihood site. Optional: when absent, <see cref="DefaultLikelihoodFamily"/>.</summary>
    public string LikelihoodFamilyColumn { get; init; } = "LikelihoodFamily";

    /// <summary>Vector of length N*d, row-major: one design row per site (rows of direct_gaussian sites are ignored and may be zeros).</summary>
    public string XColumn { get; init; } = "X";

    /// <summary>
    /// Vector: the observations in site order; one value per site, except d values per direct_gaussian site.
    /// A row whose sites are all direct_gaussian therefore holds N*d values, row-major.
    /// </summary>
    public string YColumn { get; init; } = "Y";

    /// <summary>Vector of length N or 1: the noise scale sigma (linear_gaussian, direct_gaussian, linear_student_t).</summary>
    public string NoiseScaleColumn { get; init; } = "NoiseScale";

    /// <summary>Vector of length N or 1: the degrees of freedom of linear_student_t sites.</summary>
    public string DfColumn { get; init; } = "Df";

    /// <summary>Vector of length N or 1: the number of trials of binomial_logit sites.</summary>
    public string TotalCountColumn { get; init; } = "TotalCount";

    /// <summary>
    /// Vector of length N or 1: a known offset added to the linear predictor of bernoulli_logit, binomial_logit and
    /// poisson_log sites (x_n . z + offset_n, e.g. a log exposure). Optional: absent or empty means 0. A nonzero offset at a site of another
    /// family fails the row (for a linear family, subtract it from Y instead).
    /// </summary>
    public string OffsetColumn { get; init; } = "Offset";

    /// <summary>
    /// Vector of length N or 1: observation weights (>= 0; a weight of 2 counts the observation twice) of the linear-predictor
    /// families. Optional: absent or empty means 1. The network was not trained on weighted observations, so a weighted
    /// row is answered without it (Auto and Corrected: the Laplace-t proposal or NUTS; Amortized fails the row).
    /// </summary>
    public string WeightColumn { get; init; } = "Weight";

    /// <summary>
    /// The dimension d of every row's problem; null (the default): each row's d is inferred from its column lengths
    /// (docs/mlnet.md), so it may differ between rows. When set, every row is checked against it (a row whose X, Y or prior
    /// lengths need another d fails with a message naming the row, the column, the length seen and the d expected, under
    /// <see cref="FailurePolicy"/>) and the output vectors get a fixed size (d, d, d*d, S*d), as ML.NET trainers need.
    /// </summary>
    public int? Dimension { get; init; }

    /// <summary>The prior family used when the <see cref="PriorFamilyColumn"/> column is absent.</summary>
    public string DefaultPriorFamily { get; init; } = "gaussian";

    /// <summary>The likelihood family used when the <see cref="LikelihoodFamilyColumn"/> column is absent.</summary>
    public string DefaultLikelihoodFamily { get; init; } = "linear_gaussian";

    /// <summary>Output: double vector of length d, the posterior mean.</summary>
    public string MeanColumn { get; init; } = "PosteriorMean";

    /// <summary>Output: double vector of length d, the posterior standard deviations.</summary>
    public string StdDevColumn { get; init; } = "PosteriorStdDev";

    /// <summary>Output: double vector of length d*d, the posterior covariance, row-major.</summary>
    public string CovarianceColumn { get; init; } = "PosteriorCovariance";

    /// <summary>Output (only when <see cref="SampleCount"/> &gt; 0): double vector of length S*d, S posterior draws, row-major.</summary>
    public string SamplesColumn { get; init; } = "PosteriorSamples";

    /// <summary>Output (only with <see cref="AfinFailurePolicy.Flag"/>): text, empty for a good row, else the reason.</summary>
    public string ErrorColumn { get; init; } = "Error";

    /// <summary>
    /// Auto (default: the exact posterior of a conjugate problem; else AFIN when its importance weights show it is close,
    /// else importance sampling from the better of AFIN, a Laplace-t proposal and their mixture once its Monte Carlo
    /// error is under 0.05 posterior sd, else NUTS; see <see cref="AutoInferenceOptions"/>), Amortized (the network's
    /// posterior alone: the fastest path, with a quick k-hat computed but not acted on), Corrected (always importance
    /// sampling from the best proposal; conjugate problems exact) or Laplace (the Laplace
    /// approximation of each row, with the default <see cref="Afin.Laplace.LaplaceOptions"/>: no network is loaded, bound or
    /// saved, so <see cref="Model"/> and <see cref="ModelPath"/> are not used and fine-tuning is refused). Every mode but
    /// Amortized adds the <see cref="ParetoKColumn"/>, <see cref="EffectiveSampleSizeColumn"/> and
    /// <see cref="InferenceMethodColumn"/> outputs (NaN diagnostics in Laplace mode, which computes no importance weights).
    /// </summary>
    public InferenceMode Mode { get; init; } = InferenceMode.Auto;

    /// <summary>Draws per proposal for the importance check of the Corrected and Auto modes (at least 25; more are made when the Monte Carlo error asks for them).</summary>
    public int ProposalDraws { get; init; } = new AutoInferenceOptions().ProposalDraws;

    /// <summary>Output (all modes but Amortized): PSIS k-hat of the AFIN posterior as an importance proposal, a double (NaN in Laplace mode).</summary>
    public string ParetoKColumn { get; init; } = "ParetoK";

    /// <summary>Output (all modes but Amortized): effective sample size of the importance weights, a double (NaN in Laplace mode).</summary>
    public string EffectiveSampleSizeColumn { get; init; } = "EffectiveSampleSize";

    /// <summary>Output (all modes but Amortized): the method that produced the row's posterior (Amortized, ImportanceSampling, Nuts or Laplace), text.</summary>
    public string InferenceMethodColumn { get; init; } = "InferenceMethod";

    /// <summary>Posterior draws per row (0: no samples column).</summary>
    public int SampleCount { get; init; }

    /// <summary>Seed of the draws: row i of a cursor draws with seed <c>SampleSeed + i</c>, so results do not depend on batching.</summary>
    public int SampleSeed { get; init; }

    /// <summary>What to do with a row that fails.</summary>
    public AfinFailurePolicy FailurePolicy { get; init; } = AfinFailurePolicy.Throw;

    /// <summary>Rows per forward pass of a cursor (throughput grows with it; memory too).</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>An AFIN model file to start from; null: the default model shipped in Afin.dll. Not used in Laplace mode.</summary>
    public string? ModelPath { get; init; }

    /// <summary>
    /// A loaded model to start from (takes precedence over <see cref="ModelPath"/>; the caller keeps ownership). Not saved: the
    /// zip holds the weights. Not used in Laplace mode.
    /// </summary>
    [JsonIgnore]
    public AfinModel? Model { get; init; }

    /// <summary><c>cpu</c>, <c>cuda</c> or <c>auto</c>: where fine-tuning trains the network (inference always runs on the managed engine, on the CPU).</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>
    /// Fine-tuning steps in Fit (0, the default: Fit only binds the model). Fit's tasks are the training data's own problems
    /// with new observations simulated from their priors (<see cref="Afin.Training.DesignTaskSource"/>; where in the prior:
    /// <see cref="FineTuneRegionScale"/>), so the network specialises to the designs it will answer for.
    /// </summary>
    public int FineTuneSteps { get; init; }

    /// <summary>
    /// Held-out simulated tasks from the training data's designs on which Fit measures the network before and after
    /// fine-tuning (<see cref="AfinPosteriorEstimator.LastFineTuneReport"/>, the progress callback and the MLContext log); 0 skips the measurement.
    /// </summary>
    public int FineTuneHeldOutTasks { get; init; } = 64;

    /// <summary>
    /// The probability that a fine-tuning task resamples its problem's sites with replacement instead of using each once
    /// (see <see cref="Afin.Training.DesignTaskSource.SiteResampleProbability"/>).
    /// </summary>
    public double FineTuneSiteResampleProbability { get; init; } = 0.5;

    /// <summary>
    /// Where fine-tuning draws its true latents (see <see cref="Afin.Training.DesignTaskSource"/>'s regionScale): 0 (the
    /// default) from each row's prior; positive from its prior restricted to this many times (√d + 3) Laplace sds around
    /// the row's Laplace mode. Measured worse (docs/benchmarks.md, "Fit on the user's designs"): the network cannot see
    /// where a task's region lies, so it learns the truncation's pull toward the region's centre as if it were part of
    /// every posterior.
    /// </summary>
    public double FineTuneRegionScale { get; init; }

    /// <summary>
    /// Whether fine-tuning tasks redraw their simulated data until their logit and Poisson sites fit no more extremely
    /// than the row's own data (true, the default; see <see cref="Afin.Training.DesignTaskSource"/>'s dataLike):
    /// separated or saturated draws from a weakly informative prior are then rare, and every task's posterior is still
    /// the one its problem states. Measured in docs/benchmarks.md ("Fit on the user's designs"): on per-store logistic
    /// regressions it took Fit from 0.89x to 1.83x the accuracy of the step-13,500 default it started from (1.34x from the
    /// current, more accurate default).
    /// </summary>
    public bool FineTuneDataLike { get; init; } = true;

    /// <summary>Tasks per micro-batch when fine-tuning.</summary>
    public int FineTuneBatchSize { get; init; } = 16;

    /// <summary>Peak learning rate when fine-tuning.</summary>
    public double FineTuneLearningRate { get; init; } = 1e-3;

    /// <summary>Seed of fine-tuning (weights noise and simulated tasks).</summary>
    public int FineTuneSeed { get; init; }

    /// <summary>
    /// Other training settings for fine-tuning (schedule, EMA, validation); null: short-run defaults (no flow warm-up,
    /// no checkpoints). Steps, batch size, learning rate, seed and device always come from the options above.
    /// </summary>
    [JsonIgnore]
    public TrainingOptions? FineTuneTemplate { get; init; }

    /// <summary>Receives fine-tuning progress (also logged through the MLContext log). Not saved.</summary>
    [JsonIgnore]
    public IProgress<TrainingProgress>? Progress { get; init; }

    /// <summary>Checks the options; throws <see cref="ArgumentException"/> naming the property.</summary>
    public void Validate()
    {
        if (SampleCount < 0)
        {
            throw new ArgumentException($"{nameof(SampleCount)}: expected >= 0, got {SampleCount}");
        }
        if (Dimension < 1)
        {
            throw new ArgumentException($"{nameof(Dimension)}: expected null (d inferred per row) or >= 1, got {Dimension}");
        }
        if (BatchSize < 1)
        {
            throw new ArgumentException($"{nameof(BatchSize)}: expected >= 1, got {BatchSize}");
        }
        if (!Enum.IsDefined(Mode))
        {
            throw new ArgumentException($"{nameof(Mode)}: expected Amortized, Corrected, Auto or Laplace, got {(int)Mode}");
        }
        if (Mode == InferenceMode.Laplace && FineTuneSteps > 0)
        {
            throw new ArgumentException($"{nameof(FineTuneSteps)}: expected 0 with {nameof(Mode)} Laplace, which does not use the network, got {FineTuneSteps}");
        }
        if (ProposalDraws < 25)
        {
            throw new ArgumentException($"{nameof(ProposalDraws)}: expected >= 25, got {ProposalDraws}");
        }
        if (FineTuneSteps < 0)
        {
            throw new ArgumentException($"{nameof(FineTuneSteps)}: expected >= 0, got {FineTuneSteps}");
        }
        if (FineTuneHeldOutTasks < 0)
        {
            throw new ArgumentException($"{nameof(FineTuneHeldOutTasks)}: expected >= 0, got {FineTuneHeldOutTasks}");
        }
        if (!(FineTuneRegionScale >= 0 && double.IsFinite(FineTuneRegionScale)))
        {
            throw new ArgumentException($"{nameof(FineTuneRegionScale)}: expected 0 (the whole prior) or a positive finite scale, got {FineTuneRegionScale}");
        }
        if (!(FineTuneSiteResampleProbability is >= 0 and <= 1))
        {
            throw new ArgumentException($"{nameof(FineTuneSiteResampleProbability)}: expected a probability in [0, 1], got {FineTuneSiteResampleProbability}");
        }
        if (!TaskDistribution.AllPriorFamilies.Contains(DefaultPriorFamily))
        {
            throw new ArgumentException($"{nameof(DefaultPriorFamily)}: unknown family '{DefaultPriorFamily}'");
        }
        if (!TaskDistribution.AllLikelihoodFamilies.Contains(DefaultLikelihoodFamily))
        {
            throw new ArgumentException($"{nameof(DefaultLikelihoodFamily)}: unknown family '{DefaultLikelihoodFamily}'");
        }
        var outputs = new[] { MeanColumn, StdDevColumn, CovarianceColumn, SamplesColumn, ErrorColumn, ParetoKColumn, EffectiveSampleSizeColumn, InferenceMethodColumn };
        if (outputs.Any(string.IsNullOrWhiteSpace) || outputs.Distinct().Count() != outputs.Length)
        {
            throw new ArgumentException("output column names must be non-empty and distinct");
        }
    }
}
