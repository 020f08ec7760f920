using System.Text.Json.Serialization;
using Afin.Simulation;
using Afin.Simulation.Estimators;
using Afin.Simulation.Training;

namespace Afin.MLNet.Simulation;

/// <summary>
/// Options of <see cref="AfinCatalog.SimulationPosterior(Microsoft.ML.TransformsCatalog, SimulationPosteriorOptions)"/>: the
/// data column, the estimator (a trained one, a file, or a prior and simulator to train one on at Fit), the output
/// columns, draws and the failure policy. Everything marked [JsonIgnore] stays out of the ML.NET model zip; the trained
/// estimator itself is saved there.
/// </summary>
public sealed record SimulationPosteriorOptions
{
    /// <summary>Float (or double) vector column holding one data set per row (a grid row-major).</summary>
    public string InputColumnName { get; init; } = "Data";

    /// <summary>A trained estimator to bind (not owned: the caller disposes it).</summary>
    [JsonIgnore]
    public SimulationEstimator? Estimator { get; init; }

    /// <summary>A trained estimator file (afin sbi train, or <see cref="SimulationEstimator.Save(string)"/>) to bind.</summary>
    public string? EstimatorPath { get; init; }

    /// <summary>With neither <see cref="Estimator"/> nor <see cref="EstimatorPath"/>: the method Fit trains.</summary>
    public EstimatorKind Method { get; init; } = EstimatorKind.NeuralPosterior;

    /// <summary>With neither estimator nor path: the prior Fit trains under.</summary>
    [JsonIgnore]
    public IParameterPrior? Prior { get; init; }

    /// <summary>With neither estimator nor path: the simulator Fit trains on (the data view only supplies the schema; training is simulation-based).</summary>
    [JsonIgnore]
    public ISimulator? Simulator { get; init; }

    /// <summary>Training options for Fit (default: <see cref="SimulationTrainingOptions"/>'s).</summary>
    [JsonIgnore]
    public SimulationTrainingOptions? Training { get; init; }

    /// <summary>Per-epoch training progress of Fit (also written to the MLContext log).</summary>
    [JsonIgnore]
    public IProgress<SimulationTrainingProgress>? Progress { get; init; }

    /// <summary>Output: posterior means (double vector of length p; NaN for an estimator trained without a mean).</summary>
    public string MeanColumn { get; init; } = "Mean";

    /// <summary>Output: posterior medians (double vector of length p).</summary>
    public string MedianColumn { get; init; } = "Median";

    /// <summary>Output: lower ends of the credible intervals (double vector of length p).</summary>
    public string LowerColumn { get; init; } = "Lower";

    /// <summary>Output: upper ends of the credible intervals (double vector of length p).</summary>
    public string UpperColumn { get; init; } = "Upper";

    /// <summary>Output when <see cref="IncludeSamples"/>: the posterior draws, draw-major (draw x p values).</summary>
    public string SamplesColumn { get; init; } = "Samples";

    /// <summary>Add the <see cref="SamplesColumn"/> (NPE and NRE).</summary>
    public bool IncludeSamples { get; init; }

    /// <summary>Seeds the draws; row i's draws come from (seed, i), so they do not depend on batching.</summary>
    public int Seed { get; init; }

    /// <summary>Rows per forward pass in a cursor.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>What to do with a row whose data set is invalid (wrong length, NaN).</summary>
    public AfinFailurePolicy FailurePolicy { get; init; } = AfinFailurePolicy.Throw;

    /// <summary>Output with <see cref="AfinFailurePolicy.Flag"/>: the reason a row failed (empty when it did not).</summary>
    public string ErrorColumn { get; init; } = "Error";

    /// <summary>Checks the options; the message names the field and what was expected.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(InputColumnName))
        {
            throw new ArgumentException("SimulationPosteriorOptions.InputColumnName is empty; expected the name of the data column");
        }
        if (BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, $"SimulationPosteriorOptions.BatchSize = {BatchSize}; expected at least 1");
        }
        var outputs = new[] { MeanColumn, MedianColumn, LowerColumn, UpperColumn }
            .Concat(IncludeSamples ? [SamplesColumn] : [])
            .Concat(FailurePolicy == AfinFailurePolicy.Flag ? [ErrorColumn] : []).ToArray();
        if (outputs.Any(string.IsNullOrWhiteSpace) || outputs.Distinct(StringComparer.Ordinal).Count() != outputs.Length)
        {
            throw new ArgumentException($"SimulationPosteriorOptions: the output column names [{string.Join(", ", outputs)}] must be non-empty and distinct");
        }
    }

    /// <summary>Checks that Fit can obtain an estimator.</summary>
    internal void ValidateSource()
    {
        if (Estimator is null && EstimatorPath is null && (Prior is null || Simulator is null))
        {
            throw new ArgumentException("SimulationPosteriorOptions: give Estimator or EstimatorPath, or Prior and Simulator for Fit to train on");
        }
    }
}
