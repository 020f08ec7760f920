using Afin.Inference;
using Afin.Persistence;
using Afin.Training;

namespace Afin.Extensions.DependencyInjection;

/// <summary>
/// Settings of <see cref="IAfinPosteriorEngine"/>, bound from configuration (e.g. the <c>"Afin"</c> section of appsettings.json)
/// or set in code through <c>services.AddAfinPosterior(o =&gt; ...)</c>.
/// </summary>
/// <example>
/// <code>
/// "Afin": { "ModelPath": null, "BatchSize": 256, "SampleCount": 0, "Seed": 0, "MaxBatchDelayMilliseconds": 0, "Mode": "Auto", "ProposalDraws": 2000 }
/// </code>
/// </example>
public sealed class AfinEngineOptions
{
    /// <summary>The configuration section name used by the samples and the documentation: <c>Afin</c>.</summary>
    public const string SectionName = "Afin";

    /// <summary>An AFIN model file (relative paths are resolved against the current directory); null or empty: the default model shipped in Afin.dll.</summary>
    public string? ModelPath { get; set; }

    /// <summary>The most problems gathered into one forward pass (from one or several concurrent requests).</summary>
    public int BatchSize { get; set; } = 256;

    /// <summary>Posterior draws returned with each result (0: <see cref="AfinPosteriorResult.Samples"/> is null).</summary>
    public int SampleCount { get; set; }

    /// <summary>
    /// Seed of the draws: a single-problem request draws with <c>Seed</c>, problem i of a batch request with <c>Seed + i</c>,
    /// so results do not depend on how concurrent requests are batched.
    /// </summary>
    public int Seed { get; set; }

    /// <summary>
    /// How long the engine waits, after the first queued request, for more concurrent requests to join its forward pass
    /// (0, the default: it takes whatever is queued when the network is free, which already batches under load).
    /// </summary>
    public int MaxBatchDelayMilliseconds { get; set; }

    /// <summary>
    /// Auto (default: the exact posterior of a conjugate problem; else AFIN when its importance weights show it is close,
    /// else importance sampling from the better of AFIN, a Laplace-t proposal and their mixture once its Monte Carlo
    /// error is under 0.05 posterior sd, else NUTS; see <see cref="AutoInferenceOptions"/>), Amortized (the network's
    /// posterior alone: the fastest path, with a quick k-hat computed but not acted on), Corrected (always importance
    /// sampling from the best proposal; conjugate problems exact) or Laplace (the Laplace
    /// approximation, without the network). The checks run per problem on the engine's worker after the batched forward
    /// pass, so a NUTS fallback delays the requests queued behind it; Laplace mode has no queue and no worker: each
    /// request runs on its caller's thread, and the model is not loaded unless <see cref="IAfinPosteriorEngine.Model"/> is read.
    /// </summary>
    public InferenceMode Mode { get; set; } = InferenceMode.Auto;

    /// <summary>Draws per proposal for the importance check of the Corrected and Auto modes (at least 25; more are made when the Monte Carlo error asks for them).</summary>
    public int ProposalDraws { get; set; } = new AutoInferenceOptions().ProposalDraws;

    /// <summary>Checks the settings; returns the problems found (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (BatchSize < 1)
        {
            errors.Add($"{nameof(BatchSize)}: expected >= 1, got {BatchSize}");
        }
        if (SampleCount < 0)
        {
            errors.Add($"{nameof(SampleCount)}: expected >= 0, got {SampleCount}");
        }
        if (MaxBatchDelayMilliseconds < 0)
        {
            errors.Add($"{nameof(MaxBatchDelayMilliseconds)}: expected >= 0, got {MaxBatchDelayMilliseconds}");
        }
        if (!Enum.IsDefined(Mode))
        {
            errors.Add($"{nameof(Mode)}: expected Amortized, Corrected, Auto or Laplace, got {(int)Mode}");
        }
        if (ProposalDraws < 25)
        {
            errors.Add($"{nameof(ProposalDraws)}: expected >= 25, got {ProposalDraws}");
        }
        return errors;
    }

    /// <summary>
    /// Loads the model these settings name (<see cref="ModelPath"/> or the shipped default). Its forward pass runs on the
    /// managed engine on the CPU, so a service that only infers needs no libtorch.
    /// </summary>
    /// <exception cref="ArgumentException">The settings are invalid.</exception>
    /// <exception cref="FileNotFoundException">The model file does not exist.</exception>
    public AfinModel LoadModel()
    {
        var errors = Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("AfinEngineOptions: " + string.Join("; ", errors));
        }
        return string.IsNullOrWhiteSpace(ModelPath) ? AfinModel.LoadDefault() : AfinModel.Load(ModelPath);
    }

    internal AfinEngineOptions Copy() => (AfinEngineOptions)MemberwiseClone();
}
