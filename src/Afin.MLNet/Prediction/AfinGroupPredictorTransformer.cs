using Afin.MLNet.Mapping;
using Afin.MLNet.Persistence;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Afin.MLNet.Prediction;

/// <summary>
/// Scores observation rows from the group posteriors an <see cref="AfinGroupPredictorEstimator"/> computed: Score,
/// Lower, Upper, and Probability and PredictedLabel for binary rows, and KnownGroup (false: the row's group was not seen
/// at Fit and it got the prior predictive). Immutable and thread-safe; saved in an ML.NET model zip (options and group
/// posteriors, no network) and loaded by <c>mlContext.Model.Load</c>.
/// </summary>
public sealed class AfinGroupPredictorTransformer : ITransformer
{
    internal AfinGroupPredictorTransformer(GroupPosteriorTable table, AfinGroupPredictorOptions options)
    {
        Table = table;
        Options = options with { Model = null };
    }

    /// <summary>The options the transformer scores with (as saved).</summary>
    public AfinGroupPredictorOptions Options { get; }

    /// <summary>The number of groups whose posteriors it holds.</summary>
    public int GroupCount => Table.Count;

    /// <summary>The latent dimension d of every group's model (features, intercept included).</summary>
    public int Dimension => Table.Dimension;

    internal GroupPosteriorTable Table { get; }

    /// <summary>Always true: each row is scored on its own.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>The input schema plus the prediction columns.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column the scoring reads is missing or of the wrong type; the message names it.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return new GroupPredictionMapping(inputSchema, Options, Table).Output;
    }

    /// <summary>A lazy view with the prediction columns appended.</summary>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new BatchingDataView<ObservationToScore, ScoredObservation>(input, new GroupPredictionMapping(input.Schema, Options, Table));
    }

    /// <summary>A row-to-row mapper, as used by <see cref="PredictionEngine{TSrc, TDst}"/>.</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return new BatchingRowMapper<ObservationToScore, ScoredObservation>(new GroupPredictionMapping(inputSchema, Options, Table));
    }

    void ICanSaveModel.Save(ModelSaveContext ctx) => AfinGroupPredictorSerializer.Save(this, ctx);
}
