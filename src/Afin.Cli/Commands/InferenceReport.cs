using Afin.Inference;
using Afin.Network;
using Afin.Persistence;
using Afin.Posteriors;

namespace Afin.Cli.Commands;

/// <summary>
/// The posterior JSON of <c>afin infer</c>: an <see cref="InferenceOutcome"/> with the model's
/// record and the safety net's evidence (mode, method taken, reason, importance diagnostics,
/// training-range reasons, and NUTS's or the Laplace search's diagnostics when it ran).
/// </summary>
internal static class InferenceReport
{
    /// <summary>The --mode names, in the order of <see cref="InferenceMode"/>.</summary>
    internal static readonly IReadOnlyList<string> ModeNames = ["amortized", "corrected", "auto", "laplace"];

    /// <summary>Reads a --mode value (case-insensitive).</summary>
    /// <exception cref="InvalidInputException">The value is not a mode.</exception>
    internal static InferenceMode ParseMode(string? value)
    {
        int index = ModeNames.ToList().FindIndex(name => string.Equals(name, value, StringComparison.OrdinalIgnoreCase));
        return index >= 0
            ? (InferenceMode)index
            : throw new InvalidInputException($"--mode: expected one of {string.Join(", ", ModeNames)}, got '{value}'");
    }

    /// <summary>The report of <paramref name="outcome"/>; <paramref name="model"/> is null in Laplace mode, which loads none.</summary>
    internal static PosteriorReport Create(AfinModel? model, InferenceOutcome outcome) =>
        new(MethodName(outcome), outcome.Mean, outcome.Covariance, outcome.Timings.Total.TotalMilliseconds, Diagnostics(model, outcome));

    /// <summary>The JSON <c>method</c>: the AFIN family, <c>afin+snis</c> or <c>nuts</c>.</summary>
    private static string MethodName(InferenceOutcome outcome) => outcome.Method switch
    {
        InferenceMethod.ImportanceSampling => "afin+snis",
        InferenceMethod.Nuts => "nuts",
        InferenceMethod.Laplace => "laplace",
        InferenceMethod.Exact => "exact",
        _ => outcome.Amortized!.Family == PosteriorFamily.Gaussian ? "afin-gaussian" : "afin-flow",
    };

    /// <summary>The JSON <c>inference_method</c>: how the answer was computed.</summary>
    internal static string InferenceMethodName(InferenceMethod method) => method switch
    {
        InferenceMethod.ImportanceSampling => "importance_sampling",
        InferenceMethod.Nuts => "nuts",
        InferenceMethod.Laplace => "laplace",
        InferenceMethod.Exact => "exact",
        _ => "amortized",
    };

    private static Dictionary<string, object> Diagnostics(AfinModel? model, InferenceOutcome outcome)
    {
        var diagnostics = model is null ? new Dictionary<string, object>() : ModelDiagnostics(model, outcome);
        AddOutcome(diagnostics, outcome);
        if (outcome.Nuts is { } nuts)
        {
            // The same fields as `afin nuts`, so a reader of method "nuts" finds them whichever command ran it.
            diagnostics["r_hat"] = nuts.RHat.Select(NumberOrNull).ToArray();
            diagnostics["ess_bulk"] = nuts.BulkEss.Select(NumberOrNull).ToArray();
            diagnostics["divergences"] = nuts.Divergences;
            diagnostics["step_size"] = nuts.StepSizes;
            diagnostics["gradient_evaluations"] = nuts.GradientEvaluations;
        }
        if (outcome.Laplace is { } laplace)
        {
            // Likewise the fields of `afin laplace`.
            LaplaceReport.AddTo(diagnostics, laplace);
        }
        return diagnostics;
    }

    /// <summary>The model's record and the training-range verdict, which only a mode that runs the network has.</summary>
    private static Dictionary<string, object> ModelDiagnostics(AfinModel model, InferenceOutcome outcome) => new()
    {
        ["in_training_range"] = outcome.InTrainingRange,
        ["flagged"] = outcome.Flagged,
        ["estimated_mean_error"] = NumberOrNull(outcome.Check?.MeanError ?? double.NaN),
        ["training_range"] = $"d {model.Tasks.MinDimension}..{model.Tasks.MaxDimension}, N {model.Tasks.MinSites}..{model.Tasks.MaxSites}",
        ["model_steps"] = model.Training.Steps,
        ["model_architecture"] = model.Options.Architecture.ToString(),
    };

    /// <summary>The fields every mode has: what was asked and returned, why, the importance diagnostics and the stage times.</summary>
    private static void AddOutcome(Dictionary<string, object> diagnostics, InferenceOutcome outcome)
    {
        diagnostics["mode"] = ModeNames[(int)outcome.Mode];
        diagnostics["inference_method"] = InferenceMethodName(outcome.Method);
        diagnostics["reason"] = outcome.Reason;
        diagnostics["pareto_k"] = NumberOrNull(outcome.ParetoK);
        diagnostics["ess"] = NumberOrNull(outcome.EffectiveSampleSize);
        diagnostics["ess_ratio"] = NumberOrNull(outcome.EffectiveSampleSizeRatio);
        diagnostics["mc_error"] = NumberOrNull(outcome.MonteCarloError);
        diagnostics["proposal"] = outcome.Proposal is { } proposal ? ProposalName(proposal) : null!;
        diagnostics["proposals_tried"] = outcome.ProposalTrials.Select(Trial).ToArray();
        diagnostics["out_of_range_reasons"] = outcome.OutOfRangeReasons;
        diagnostics["stage_ms"] = new Dictionary<string, double>
        {
            ["afin"] = Math.Round(outcome.Timings.Amortized.TotalMilliseconds, 4),
            ["importance_sampling"] = Math.Round(outcome.Timings.ImportanceSampling.TotalMilliseconds, 4),
            ["nuts"] = Math.Round(outcome.Timings.Nuts.TotalMilliseconds, 4),
            ["laplace"] = Math.Round(outcome.Timings.Laplace.TotalMilliseconds, 4),
            ["exact"] = Math.Round(outcome.Timings.Exact.TotalMilliseconds, 4),
        };
    }

    /// <summary>The JSON name of a proposal: <c>afin</c>, <c>laplace_t</c> or <c>mixture</c>.</summary>
    internal static string ProposalName(ImportanceProposal proposal) => proposal switch
    {
        ImportanceProposal.Afin => "afin",
        ImportanceProposal.LaplaceStudentT => "laplace_t",
        _ => "mixture",
    };

    /// <summary>One proposal tried, as a JSON object; a failed one carries its message instead of numbers.</summary>
    private static Dictionary<string, object> Trial(ProposalDiagnostics trial)
    {
        var entry = new Dictionary<string, object> { ["proposal"] = ProposalName(trial.Proposal), ["draws"] = trial.Draws };
        if (trial.Failure is { } failure)
        {
            entry["failure"] = failure;
            return entry;
        }
        entry["pareto_k"] = NumberOrNull(trial.ParetoK);
        entry["ess"] = NumberOrNull(trial.EffectiveSampleSize);
        entry["mc_error"] = NumberOrNull(trial.MaxRelativeMonteCarloError);
        return entry;
    }

    /// <summary>
    /// The value, or JSON null where it is NaN (not computed) or infinite (k-hat of a failed or tied
    /// tail fit, which the reason spells out): JSON has no such numbers.
    /// </summary>
    private static object NumberOrNull(double value) => double.IsFinite(value) ? value : null!;
}
