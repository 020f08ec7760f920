using Afin.MLNet.Mapping;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Afin.MLNet;

/// <summary>The posterior of one group, read back from the output of <see cref="AfinPosteriorTransformer"/>.</summary>
/// <typeparam name="TKey">The type of the group key (string for a text key column).</typeparam>
public sealed class GroupPosterior<TKey>
{
    /// <summary>The group key.</summary>
    public required TKey Key { get; init; }

    /// <summary>The posterior mean, length d (NaN for a flagged row).</summary>
    public required double[] Mean { get; init; }

    /// <summary>The posterior standard deviations, length d.</summary>
    public required double[] StdDev { get; init; }

    /// <summary>The posterior covariance, d*d row-major.</summary>
    public required double[] Covariance { get; init; }

    /// <summary>The posterior draws, S*d row-major; empty when the transformer draws none.</summary>
    public double[] Samples { get; init; } = [];

    /// <summary>The reason a row failed under <see cref="AfinFailurePolicy.Flag"/>; empty for a good row or without the error column.</summary>
    public string Error { get; init; } = "";

    /// <summary>The latent dimension d.</summary>
    public int Dimension => Mean.Length;
}

/// <summary>
/// Helpers for observation-level data (one row per observation with a group key): <see cref="GroupObservations"/> turns such a view
/// into AfinPosterior problem rows (one per group, the key passed through), and <see cref="ReadGroupPosteriors{TKey}"/> reads the
/// transformed rows back as one posterior per group.
/// </summary>
/// <example>
/// <code>
/// var problems = ml.Data.GroupObservations(observations, new ObservationGroupingOptions
///     { GroupColumn = "Store", FeaturesColumn = "Features", LabelColumn = "Sales", NoiseScale = 0.5 });
/// var posteriors = ml.Transforms.AfinPosterior().Fit(problems).Transform(problems);   // one row per store, "Store" kept
/// foreach (var g in ml.Data.ReadGroupPosteriors&lt;string&gt;(posteriors, "Store")) Console.WriteLine($"{g.Key}: {g.Mean[0]}");
/// </code>
/// </example>
public static class ObservationGrouping
{
    /// <summary>
    /// Groups observation rows by <see cref="ObservationGroupingOptions.GroupColumn"/> into problem rows in the
    /// AfinPosterior input schema: the group key (same name and type), <c>ObservationCount</c>, <c>PriorFamily</c>, <c>PriorLoc</c>,
    /// <c>PriorScale</c> (or <c>PriorPrecision</c>, <c>PriorDf</c>), <c>LikelihoodFamily</c>, <c>X</c> (N*d row-major), <c>Y</c> (N) and
    /// <c>NoiseScale</c> / <c>Df</c> / <c>TotalCount</c> as the family needs, and <c>Offset</c> when <see cref="ObservationGroupingOptions.OffsetColumn"/>
    /// is set. Numeric problem columns are variable-length Double vectors.
    /// </summary>
    /// <remarks>
    /// The schema is checked now; the observations are read once, when the first cursor of the result is opened, and kept in memory
    /// grouped (the input need not be sorted). Groups appear in order of their first observation; within a group, observations keep
    /// their order. Every observation must have the same number of features.
    /// </remarks>
    /// <param name="catalog">The data catalog (<c>mlContext.Data</c>).</param>
    /// <param name="observations">One row per observation.</param>
    /// <param name="options">Columns, likelihood and prior.</param>
    /// <returns>A lazy view with one problem row per group.</returns>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has an unsupported type; the message names it.</exception>
    /// <exception cref="InvalidOperationException">(When the rows are read) an observation has a different number of features; the message names its row.</exception>
    public static IDataView GroupObservations(this DataOperationsCatalog catalog, IDataView observations, ObservationGroupingOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(observations);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new GroupedProblemsView(observations, options);
    }

    /// <summary>
    /// Reads the output of an <see cref="AfinPosteriorTransformer"/> applied to grouped problem rows back as one posterior per group.
    /// </summary>
    /// <typeparam name="TKey">The key type: <see cref="string"/> for a text key, else the column's raw type (int, long, uint, ...).</typeparam>
    /// <param name="catalog">The data catalog (<c>mlContext.Data</c>).</param>
    /// <param name="posteriors">The transformed view (one row per group).</param>
    /// <param name="groupColumn">The group key column.</param>
    /// <param name="columns">The transformer's options when its output columns were renamed; null: default names.</param>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or <typeparamref name="TKey"/> does not match the key column's type.</exception>
    public static IReadOnlyList<GroupPosterior<TKey>> ReadGroupPosteriors<TKey>(this DataOperationsCatalog catalog, IDataView posteriors,
        string groupColumn = "Group", AfinPosteriorOptions? columns = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(posteriors);
        ArgumentNullException.ThrowIfNull(groupColumn);
        columns ??= new AfinPosteriorOptions();
        var schema = posteriors.Schema;
        DataViewSchema.Column Need(string name) =>
            schema.GetColumnOrNull(name) ?? throw new ArgumentOutOfRangeException(nameof(posteriors), $"ReadGroupPosteriors: column '{name}' not found");
        var keyColumn = Need(groupColumn);
        var meanColumn = Need(columns.MeanColumn);
        var stdColumn = Need(columns.StdDevColumn);
        var covColumn = Need(columns.CovarianceColumn);
        var samplesColumn = schema.GetColumnOrNull(columns.SamplesColumn);
        var errorColumn = schema.GetColumnOrNull(columns.ErrorColumn);
        bool textKey = keyColumn.Type is TextDataViewType;
        if (textKey ? typeof(TKey) != typeof(string) : keyColumn.Type.RawType != typeof(TKey))
        {
            throw new ArgumentOutOfRangeException(nameof(TKey), $"ReadGroupPosteriors: key column '{groupColumn}' has type {keyColumn.Type}; " +
                $"expected TKey = {(textKey ? "string" : keyColumn.Type.RawType.Name)}, got {typeof(TKey).Name}");
        }
        var active = new List<DataViewSchema.Column> { keyColumn, meanColumn, stdColumn, covColumn };
        if (samplesColumn is { } s)
        {
            active.Add(s);
        }
        if (errorColumn is { } e)
        {
            active.Add(e);
        }
        var result = new List<GroupPosterior<TKey>>();
        using var cursor = posteriors.GetRowCursor(active);
        Func<TKey> key;
        if (textKey)
        {
            var getter = cursor.GetGetter<ReadOnlyMemory<char>>(keyColumn);
            key = () =>
            {
                ReadOnlyMemory<char> text = default;
                getter(ref text);
                return (TKey)(object)text.ToString();
            };
        }
        else
        {
            var getter = cursor.GetGetter<TKey>(keyColumn);
            key = () =>
            {
                TKey value = default!;
                getter(ref value);
                return value;
            };
        }
        var mean = Vector(cursor, meanColumn);
        var std = Vector(cursor, stdColumn);
        var cov = Vector(cursor, covColumn);
        var samples = samplesColumn is { } sc ? Vector(cursor, sc) : null;
        ValueGetter<ReadOnlyMemory<char>>? error = errorColumn is { } ec ? cursor.GetGetter<ReadOnlyMemory<char>>(ec) : null;
        while (cursor.MoveNext())
        {
            ReadOnlyMemory<char> reason = default;
            error?.Invoke(ref reason);
            result.Add(new GroupPosterior<TKey>
            {
                Key = key(),
                Mean = mean(),
                StdDev = std(),
                Covariance = cov(),
                Samples = samples?.Invoke() ?? [],
                Error = reason.ToString(),
            });
        }
        return result;
    }

    private static Func<double[]> Vector(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var getter = cursor.GetGetter<VBuffer<double>>(column);
        return () =>
        {
            VBuffer<double> buffer = default;
            getter(ref buffer);
            return buffer.DenseValues().ToArray();
        };
    }
}
