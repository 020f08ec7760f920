using Afin.MLNet.Mapping;
using Afin.MLNet.Persistence;
using Afin.Persistence;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Afin.MLNet;

/// <summary>
/// Maps rows that each describe one Bayesian problem to the AFIN posterior (or, in
/// <see cref="Afin.Inference.InferenceMode.Laplace"/> mode, to the Laplace approximation, without a network): mean,
/// standard deviations, covariance, optional seeded samples and (with <see cref="AfinFailurePolicy.Flag"/>) an error column.
/// </summary>
/// <remarks>
/// <para><see cref="Transform"/> is lazy and streaming: cursors read <see cref="AfinPosteriorOptions.BatchSize"/> rows ahead and
/// run one batched forward pass for them. <see cref="GetRowToRowMapper"/> (used by <see cref="PredictionEngine{TSrc, TDst}"/>)
/// runs one forward pass per row.</para>
/// <para>Thread-safety: the transformer is immutable and may be shared by threads; each thread must use its own cursors and its own
/// <see cref="PredictionEngine{TSrc, TDst}"/> (ML.NET's rule). Concurrent cursors are safe: the model's managed engine runs their
/// forward passes in parallel.</para>
/// <para>Saved into an ML.NET model zip with <c>mlContext.Model.Save</c> (AFIN weights and options included; only the options
/// in Laplace mode) and loaded by <c>mlContext.Model.Load</c> with no registration call.</para>
/// </remarks>
public sealed class AfinPosteriorTransformer : ITransformer
{
    private readonly PosteriorComputer _computer;

    internal AfinPosteriorTransformer(AfinModel? model, AfinPosteriorOptions options)
    {
        Model = model;
        Options = options with { Model = null, Progress = null, FineTuneTemplate = null };
        Options.Validate();
        _computer = new PosteriorComputer(model, Options);
    }

    /// <summary>The bound AFIN model (fine-tuned when Fit was asked to); null in Laplace mode, which uses no network.</summary>
    public AfinModel? Model { get; }

    /// <summary>The options the transformer runs with (as saved in the model zip).</summary>
    public AfinPosteriorOptions Options { get; }

    /// <summary>Always true: the transformer maps each row on its own.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>The input schema plus the posterior columns.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A required input column is missing or an input column has a wrong type; the message names it.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return OutputLayout.Create(inputSchema, Options).Output;
    }

    /// <summary>A lazy view with the posterior columns appended; the schema is checked now, the rows when a cursor reads them.</summary>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new BatchingDataView<RawProblem, PosteriorRow>(input, new AfinBatchMapping(OutputLayout.Create(input.Schema, Options), _computer));
    }

    /// <summary>A row-to-row mapper (one forward pass per row), as used by <see cref="PredictionEngine{TSrc, TDst}"/>.</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return new BatchingRowMapper<RawProblem, PosteriorRow>(new AfinBatchMapping(OutputLayout.Create(inputSchema, Options), _computer));
    }

    void ICanSaveModel.Save(ModelSaveContext ctx) => AfinTransformerSerializer.Save(this, ctx);
}
