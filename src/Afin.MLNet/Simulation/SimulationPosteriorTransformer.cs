using Afin.MLNet.Mapping;
using Afin.MLNet.Persistence;
using Afin.Simulation.Estimators;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Afin.MLNet.Simulation;

/// <summary>
/// Maps rows that each hold one simulated-or-observed data set (a float vector column) to what a trained
/// simulation-based estimator (NBE, NPE or NRE) says about its parameters: mean, median, credible-interval ends and
/// optional seeded draws.
/// </summary>
/// <remarks>
/// <para><see cref="Transform"/> is lazy: cursors read <see cref="SimulationPosteriorOptions.BatchSize"/> rows ahead and run
/// one batched forward pass for them. <see cref="GetRowToRowMapper"/> (used by <see cref="PredictionEngine{TSrc, TDst}"/>) runs one
/// pass per row. Row i's draws are seeded by (Seed, i), so they do not depend on batching.</para>
/// <para>Saved into an ML.NET model zip with <c>mlContext.Model.Save</c> (the estimator's weights included) and loaded by
/// <c>mlContext.Model.Load</c> with no registration call. Estimators with a custom summary network or custom prior
/// cannot be restored from a zip without their factory; use built-in ones in pipelines that are saved.</para>
/// </remarks>
public sealed class SimulationPosteriorTransformer : ITransformer, IDisposable
{
    private readonly bool _ownsEstimator;

    internal SimulationPosteriorTransformer(SimulationEstimator estimator, bool ownsEstimator, SimulationPosteriorOptions options)
    {
        Estimator = estimator;
        _ownsEstimator = ownsEstimator;
        Options = options with { Estimator = null, Prior = null, Simulator = null, Training = null, Progress = null };
        Options.Validate();
    }

    /// <summary>The bound (or trained) estimator.</summary>
    public SimulationEstimator Estimator { get; }

    /// <summary>The options the transformer runs with (as saved in the model zip).</summary>
    public SimulationPosteriorOptions Options { get; }

    /// <summary>Always true: the transformer maps each row on its own.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>The input schema plus the posterior columns.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The data column is missing or of the wrong type or length; the message names it.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return Mapping(inputSchema).Output;
    }

    /// <summary>A lazy view with the posterior columns appended; the schema is checked now, the rows when a cursor reads them.</summary>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new BatchingDataView<float[], SimulationPosteriorRow>(input, Mapping(input.Schema));
    }

    /// <summary>A row-to-row mapper (one forward pass per row), as used by <see cref="PredictionEngine{TSrc, TDst}"/>.</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return new BatchingRowMapper<float[], SimulationPosteriorRow>(Mapping(inputSchema));
    }

    private SimulationBatchMapping Mapping(DataViewSchema schema) => new(schema, Estimator, Options);

    void ICanSaveModel.Save(ModelSaveContext ctx) => SimulationTransformerSerializer.Save(this, ctx);

    /// <summary>Releases the estimator when the transformer loaded or trained it (not one passed in through <see cref="SimulationPosteriorOptions.Estimator"/>).</summary>
    public void Dispose()
    {
        if (_ownsEstimator)
        {
            Estimator.Dispose();
        }
    }
}
