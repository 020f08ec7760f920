using Afin.MLNet.Mapping;
using Afin.Modelling;
using Afin.Prediction;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Afin.MLNet.Prediction;

/// <summary>One observation row to score: its group's key and what its family's prediction needs.</summary>
internal sealed record ObservationToScore(string Key, double[] X, double Offset, double TotalCount, double Sigma, double Df);

/// <summary>A scored row: the predictive summary, and whether its group was seen at Fit.</summary>
internal sealed class ScoredObservation
{
    public double Score, Lower, Upper, Probability = double.NaN;
    public bool KnownGroup;
    public string Error = "";
}

/// <summary>
/// The group predictor's mapping: observation rows in; Score, Lower, Upper (and Probability, PredictedLabel for binary
/// rows), KnownGroup out. A batch's rows of one group are predicted together from the group's posterior.
/// </summary>
internal sealed class GroupPredictionMapping : IBatchMapping<ObservationToScore, ScoredObservation>
{
    private readonly AfinGroupPredictorOptions _options;
    private readonly GroupPosteriorTable _table;
    private readonly PredictiveLikelihood _likelihood;
    private readonly DataViewSchema.Column _key;
    private readonly IReadOnlyList<DataViewSchema.Column> _features;
    private readonly DataViewSchema.Column? _offset, _total, _noise, _df;
    private readonly (string Name, DataViewType Type)[] _outputs;

    internal GroupPredictionMapping(DataViewSchema input, AfinGroupPredictorOptions options, GroupPosteriorTable table)
    {
        _options = options;
        _table = table;
        var g = options.Grouping;
        _likelihood = PredictiveLikelihood.Create(g.LikelihoodFamily, g.NoiseScaleColumn is null ? g.NoiseScale : null, g.DfColumn is null ? g.Df : null);
        DataViewSchema.Column Find(string name, string role) => input.GetColumnOrNull(name)
            ?? throw new ArgumentOutOfRangeException("inputSchema", $"AfinGroupPredictor: {role} column '{name}' not found");
        _key = Find(g.GroupColumn, "group");
        if (!GroupKeyReader.Supports(_key.Type))
        {
            throw new ArgumentOutOfRangeException("inputSchema", $"AfinGroupPredictor: group column '{_key.Name}': expected a scalar text, number, boolean or key, got {_key.Type}");
        }
        _features = (g.FeatureColumns ?? [g.FeaturesColumn]).Select(n => Numeric(Find(n, "feature"), vectorAllowed: true)).ToArray();
        bool offsets = OffsetFamilies.Contains(g.LikelihoodFamily);
        _offset = offsets && g.OffsetColumn is { } o ? Numeric(Find(o, "offset"), false) : null;
        _total = g.LikelihoodFamily == "binomial_logit" && g.TotalCountColumn is { } t ? Numeric(Find(t, "total count"), false) : null;
        _noise = g.NoiseScaleColumn is { } s ? Numeric(Find(s, "noise scale"), false) : null;
        _df = g.DfColumn is { } df ? Numeric(Find(df, "degrees of freedom"), false) : null;
        _outputs = Columns(options).ToArray();
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input);
        foreach (var (name, type) in _outputs)
        {
            builder.AddColumn(name, type);
        }
        Input = input;
        Output = builder.ToSchema();
    }

    public DataViewSchema Input { get; }

    public DataViewSchema Output { get; }

    public int InputCount => Input.Count;

    public int BatchSize => _options.BatchSize;

    public IEnumerable<DataViewSchema.Column> NeededInputs =>
        new[] { _key }.Concat(_features).Concat(new[] { _offset, _total, _noise, _df }.OfType<DataViewSchema.Column>()).DistinctBy(c => c.Index);

    /// <summary>The output columns of <paramref name="options"/>, in order.</summary>
    internal static IEnumerable<(string Name, DataViewType Type)> Columns(AfinGroupPredictorOptions options)
    {
        yield return (options.ScoreColumn, NumberDataViewType.Single);
        yield return (options.LowerColumn, NumberDataViewType.Single);
        yield return (options.UpperColumn, NumberDataViewType.Single);
        if (options.Grouping.LikelihoodFamily == "bernoulli_logit")
        {
            yield return (options.ProbabilityColumn, NumberDataViewType.Single);
            yield return (options.PredictedLabelColumn, BooleanDataViewType.Instance);
        }
        yield return (options.KnownGroupColumn, BooleanDataViewType.Instance);
        if (options.FailurePolicy == AfinFailurePolicy.Flag)
        {
            yield return (options.ErrorColumn, TextDataViewType.Instance);
        }
    }

    public Func<ObservationToScore> CreateReader(DataViewRow row)
    {
        var g = _options.Grouping;
        var key = GroupKeyReader.Create(row, _key);
        var features = _features.Select(f => NumericReader.Vector(row, f)).ToArray();
        var offset = _offset is { } o ? NumericReader.Scalar(row, o) : null;
        var total = _total is { } t ? NumericReader.Scalar(row, t) : null;
        var noise = _noise is { } n ? NumericReader.Scalar(row, n) : null;
        var df = _df is { } d ? NumericReader.Scalar(row, d) : null;
        return () =>
        {
            var x = new List<double>(_table.Dimension);
            if (g.AddIntercept)
            {
                x.Add(1.0);
            }
            foreach (var feature in features)
            {
                feature(x);
            }
            return new ObservationToScore(key(), x.ToArray(), offset?.Invoke() ?? 0, total?.Invoke() ?? g.TotalCount, noise?.Invoke() ?? g.NoiseScale, df?.Invoke() ?? g.Df);
        };
    }

    public ScoredObservation[] Compute(IReadOnlyList<(ObservationToScore? Raw, Exception? Error)> rows, long firstRow)
    {
        var results = new ScoredObservation[rows.Count];
        var byGroup = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int i = 0; i < rows.Count; i++)
        {
            if (rows[i].Error is { } error)
            {
                results[i] = Fail(firstRow + i, error.Message);
                continue;
            }
            var key = rows[i].Raw!.Key;
            if (!byGroup.TryGetValue(key, out var members))
            {
                byGroup[key] = members = [];
            }
            members.Add(i);
        }
        foreach (var (key, members) in byGroup)
        {
            bool known = _table.TryGet(key, out var posterior);
            try
            {
                Score(posterior, known, members, rows, results);
            }
            catch (ProblemValidationException) when (members.Count > 1)
            {
                // Find the bad rows: score the group's rows one at a time.
                foreach (int i in members)
                {
                    ScoreOne(posterior, known, i, rows, results, firstRow);
                }
            }
            catch (ProblemValidationException e)
            {
                results[members[0]] = Fail(firstRow + members[0], e.Message);
            }
        }
        return results;
    }

    private void ScoreOne(GaussianMoments posterior, bool known, int i, IReadOnlyList<(ObservationToScore? Raw, Exception? Error)> rows, ScoredObservation[] results, long firstRow)
    {
        try
        {
            Score(posterior, known, [i], rows, results);
        }
        catch (ProblemValidationException e)
        {
            results[i] = Fail(firstRow + i, e.Message);
        }
    }

    private void Score(GaussianMoments posterior, bool known, List<int> members, IReadOnlyList<(ObservationToScore? Raw, Exception? Error)> rows, ScoredObservation[] results)
    {
        var observations = members.Select(i => rows[i].Raw!).ToArray();
        int d = _table.Dimension;
        if (observations.FirstOrDefault(o => o.X.Length != d) is { } wrong)
        {
            throw new ProblemValidationException("features", $"expected {d} values (as at Fit{(_options.Grouping.AddIntercept ? ", intercept included" : "")}), got {wrong.X.Length}");
        }
        var x = new double[observations.Length, d];
        for (int r = 0; r < observations.Length; r++)
        {
            for (int j = 0; j < d; j++)
            {
                x[r, j] = observations[r].X[j];
            }
        }
        string family = _likelihood.Family;
        var predictionRows = new PredictionRows
        {
            X = x,
            Offset = OffsetFamilies.Contains(family) ? observations.Select(o => o.Offset).ToArray() : null,
            TotalCount = family == "binomial_logit" ? observations.Select(o => o.TotalCount).ToArray() : null,
            Sigma = _noise is not null ? observations.Select(o => o.Sigma).ToArray() : null,
            Df = _df is not null && family == "linear_student_t" ? observations.Select(o => o.Df).ToArray() : null,
        };
        var set = PosteriorPredictive.Predict(posterior.Mean, posterior.Covariance, _likelihood, predictionRows, new PredictionOptions { Level = _options.Level });
        for (int r = 0; r < members.Count; r++)
        {
            var p = set.Predictions[r];
            results[members[r]] = new ScoredObservation
            {
                Score = p.Mean, Lower = p.Lower, Upper = p.Upper, Probability = p.Probability ?? double.NaN, KnownGroup = known,
            };
        }
    }

    private ScoredObservation Fail(long row, string reason)
    {
        if (_options.FailurePolicy == AfinFailurePolicy.Throw)
        {
            throw new InvalidOperationException($"AfinGroupPredictor: row {row}: {reason}");
        }
        return new ScoredObservation { Score = double.NaN, Lower = double.NaN, Upper = double.NaN, Error = $"row {row}: {reason}" };
    }

    public Delegate OutputGetter(int index, Func<ScoredObservation> current)
    {
        string name = _outputs[index - InputCount].Name;
        var o = _options;
        if (name == o.ScoreColumn)
        {
            return Single(() => current().Score);
        }
        if (name == o.LowerColumn)
        {
            return Single(() => current().Lower);
        }
        if (name == o.UpperColumn)
        {
            return Single(() => current().Upper);
        }
        if (name == o.ProbabilityColumn)
        {
            return Single(() => current().Probability);
        }
        if (name == o.PredictedLabelColumn)
        {
            return (ValueGetter<bool>)((ref bool value) => value = current().Probability >= 0.5);
        }
        if (name == o.KnownGroupColumn)
        {
            return (ValueGetter<bool>)((ref bool value) => value = current().KnownGroup);
        }
        return (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) => value = current().Error.AsMemory());
    }

    private static ValueGetter<float> Single(Func<double> read) => (ref float value) => value = (float)read();

    private static DataViewSchema.Column Numeric(DataViewSchema.Column column, bool vectorAllowed) =>
        NumericReader.Check(column, vectorAllowed, "AfinGroupPredictor", "inputSchema");
}
