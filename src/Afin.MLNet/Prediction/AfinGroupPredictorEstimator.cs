using Afin.MLNet.Mapping;
using Afin.MLNet.Persistence;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Afin.MLNet.Prediction;

/// <summary>
/// A per-group Bayesian model as an ML.NET trainer: Fit groups the observation rows (as <c>GroupObservations</c> does),
/// computes each group's posterior (<see cref="AfinGroupPredictorOptions.Mode"/>, Auto by default) and keeps its mean
/// and covariance; the <see cref="AfinGroupPredictorTransformer"/> it returns scores new observation rows of those groups
/// into Score (predictive mean), Lower and Upper (a central interval with the observation noise) and, for binary labels,
/// Probability and PredictedLabel. Rows of a group not seen at Fit get the prior predictive, with KnownGroup false.
/// </summary>
/// <remarks>
/// Each group's posterior is kept as its mean and covariance: predictions are exact for a Gaussian posterior (exact,
/// Laplace, a Gaussian AFIN) and moment-matched for the others. docs/predictions.md has the formulas.
/// </remarks>
public sealed class AfinGroupPredictorEstimator : IEstimator<AfinGroupPredictorTransformer>
{
    private readonly IHostEnvironment? _environment;

    internal AfinGroupPredictorEstimator(IHostEnvironment? environment, AfinGroupPredictorOptions options)
    {
        _environment = environment;
        Options = options;
    }

    /// <summary>The options Fit uses.</summary>
    public AfinGroupPredictorOptions Options { get; }

    /// <summary>The input shape plus the prediction columns.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column Fit reads is missing.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var g = Options.Grouping;
        foreach (var name in new[] { g.GroupColumn, g.LabelColumn }.Concat(g.FeatureColumns ?? [g.FeaturesColumn]))
        {
            if (!inputSchema.TryFindColumn(name, out _))
            {
                throw new ArgumentOutOfRangeException(nameof(inputSchema), $"AfinGroupPredictor: input column '{name}' not found");
            }
        }
        var columns = inputSchema.ToDictionary(c => c.Name);
        foreach (var (name, type) in GroupPredictionMapping.Columns(Options))
        {
            columns[name] = MLNetInternalAccess.ShapeColumn(name, type);
        }
        return new SchemaShape(columns.Values);
    }

    /// <summary>Computes every group's posterior from the observation rows.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of the wrong type; the message names it.</exception>
    /// <exception cref="InvalidOperationException">A group's problem is invalid (with the Throw policy); the message names the row.</exception>
    public AfinGroupPredictorTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var grouped = new GroupedProblemsView(input, Options.Grouping);
        var posteriorOptions = Options.PosteriorOptions();
        var posteriors = new AfinPosteriorEstimator(_environment, posteriorOptions).Fit(grouped).Transform(grouped);
        return new AfinGroupPredictorTransformer(ReadTable(posteriors, posteriorOptions), Options);
    }

    /// <summary>Each group's posterior mean and covariance by key; groups flagged as failed are left out (their rows get the prior).</summary>
    private GroupPosteriorTable ReadTable(IDataView posteriors, AfinPosteriorOptions columns)
    {
        var schema = posteriors.Schema;
        var key = schema[Options.Grouping.GroupColumn];
        var mean = schema[columns.MeanColumn];
        var covariance = schema[columns.CovarianceColumn];
        var error = schema.GetColumnOrNull(columns.ErrorColumn);
        var active = new List<DataViewSchema.Column> { key, mean, covariance };
        if (error is { } e)
        {
            active.Add(e);
        }
        var groups = new Dictionary<string, GaussianMoments>(StringComparer.Ordinal);
        int d = -1;
        using (var cursor = posteriors.GetRowCursor(active))
        {
            var readKey = GroupKeyReader.Create(cursor, key);
            var readMean = cursor.GetGetter<VBuffer<double>>(mean);
            var readCovariance = cursor.GetGetter<VBuffer<double>>(covariance);
            var readError = error is { } ec ? cursor.GetGetter<ReadOnlyMemory<char>>(ec) : null;
            VBuffer<double> m = default, c = default;
            ReadOnlyMemory<char> reason = default;
            while (cursor.MoveNext())
            {
                readError?.Invoke(ref reason);
                if (!reason.IsEmpty)
                {
                    continue;
                }
                readMean(ref m);
                readCovariance(ref c);
                var values = m.DenseValues().ToArray();
                d = values.Length;
                groups[readKey()] = new GaussianMoments(values, GroupPosteriorTable.Unflatten(c.DenseValues().ToArray(), d));
            }
        }
        if (d < 0)
        {
            throw new InvalidOperationException("AfinGroupPredictor: no group has a posterior (the data is empty, or every group failed)");
        }
        return new GroupPosteriorTable(groups, GroupPosteriorTable.PriorMoments(Options.Grouping, d));
    }
}
