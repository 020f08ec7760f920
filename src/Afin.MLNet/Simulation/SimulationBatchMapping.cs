using Afin.MLNet.Mapping;
using Afin.Simulation.Estimators;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Afin.MLNet.Simulation;

/// <summary>
/// The simulation transformer's mapping: one data-set column in; mean, median, interval ends (and draws, and an error
/// with the Flag policy) out; one batched forward pass per batch.
/// </summary>
internal sealed class SimulationBatchMapping : IBatchMapping<float[], SimulationPosteriorRow>
{
    private static readonly VectorDataViewType VariableVector = new(NumberDataViewType.Double);

    private readonly SimulationEstimator _estimator;
    private readonly SimulationPosteriorOptions _options;
    private readonly DataViewSchema.Column _inputColumn;

    internal SimulationBatchMapping(DataViewSchema input, SimulationEstimator estimator, SimulationPosteriorOptions options)
    {
        _estimator = estimator;
        _options = options;
        _inputColumn = BindInput(input, options.InputColumnName, estimator.Shape.Size);
        Input = input;
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input);
        foreach (var (name, type, _) in Columns(options, estimator.ParameterCount))
        {
            builder.AddColumn(name, type);
        }
        Output = builder.ToSchema();
    }

    public DataViewSchema Input { get; }

    public DataViewSchema Output { get; }

    public int InputCount => Input.Count;

    public int BatchSize => _options.BatchSize;

    public IEnumerable<DataViewSchema.Column> NeededInputs => [_inputColumn];

    /// <summary>Output names and types, in order (vectors of length p, except the draws).</summary>
    internal static IEnumerable<(string Name, DataViewType Type, Func<SimulationPosteriorRow, object> Value)> Columns(SimulationPosteriorOptions o, int parameters)
    {
        var vector = parameters > 0 ? new VectorDataViewType(NumberDataViewType.Double, parameters) : VariableVector;
        yield return (o.MeanColumn, vector, r => r.Mean);
        yield return (o.MedianColumn, vector, r => r.Median);
        yield return (o.LowerColumn, vector, r => r.Lower);
        yield return (o.UpperColumn, vector, r => r.Upper);
        if (o.IncludeSamples)
        {
            yield return (o.SamplesColumn, VariableVector, r => r.Samples);
        }
        if (o.FailurePolicy == AfinFailurePolicy.Flag)
        {
            yield return (o.ErrorColumn, TextDataViewType.Instance, r => r.Error);
        }
    }

    /// <summary>Finds the data column and checks its type (and length, when fixed); the message names it.</summary>
    internal static DataViewSchema.Column BindInput(DataViewSchema schema, string name, int expectedSize)
    {
        var column = schema.GetColumnOrNull(name)
            ?? throw new ArgumentOutOfRangeException("inputSchema", $"SimulationPosterior: input column '{name}' not found; expected a float vector of {expectedSize} values (one data set per row)");
        if (column.Type is not VectorDataViewType vector || (vector.ItemType != NumberDataViewType.Single && vector.ItemType != NumberDataViewType.Double))
        {
            throw new ArgumentOutOfRangeException("inputSchema", $"SimulationPosterior: schema mismatch for input column '{name}': expected a float or double vector, got {column.Type}");
        }
        if (vector.Size > 0 && expectedSize > 0 && vector.Size != expectedSize)
        {
            throw new ArgumentOutOfRangeException("inputSchema", $"SimulationPosterior: input column '{name}' holds {vector.Size} values per row; the estimator reads {expectedSize}");
        }
        return column;
    }

    public Func<float[]> CreateReader(DataViewRow row)
    {
        if (((VectorDataViewType)_inputColumn.Type).ItemType == NumberDataViewType.Double)
        {
            var getter = row.GetGetter<VBuffer<double>>(_inputColumn);
            VBuffer<double> buffer = default;
            return () =>
            {
                getter(ref buffer);
                return buffer.DenseValues().Select(v => (float)v).ToArray();
            };
        }
        var floats = row.GetGetter<VBuffer<float>>(_inputColumn);
        VBuffer<float> values = default;
        return () =>
        {
            floats(ref values);
            return values.DenseValues().ToArray();
        };
    }

    public SimulationPosteriorRow[] Compute(IReadOnlyList<(float[]? Raw, Exception? Error)> rows, long firstRow)
    {
        var results = new SimulationPosteriorRow[rows.Count];
        var valid = new List<int>(rows.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            string? problem = rows[i].Error?.Message ?? Check(rows[i].Raw!);
            if (problem is null)
            {
                valid.Add(i);
            }
            else
            {
                results[i] = Fail(firstRow + i, problem);
            }
        }
        if (valid.Count > 0)
        {
            IReadOnlyList<SimulationPosteriorSummary> summaries;
            lock (_estimator)
            {
                summaries = _estimator.Summarise(valid.Select(i => rows[i].Raw!).ToArray(), _options.Seed, valid.Select(i => firstRow + i).ToArray());
            }
            for (int k = 0; k < valid.Count; k++)
            {
                var s = summaries[k];
                results[valid[k]] = new SimulationPosteriorRow
                {
                    Mean = s.Mean, Median = s.Median, Lower = s.Lower, Upper = s.Upper,
                    Samples = _options.IncludeSamples && s.Samples is { } draws ? draws.SelectMany(d => d).ToArray() : [],
                };
            }
        }
        return results;
    }

    private string? Check(float[] data)
    {
        int size = _estimator.Shape.Size;
        if (data.Length != size)
        {
            return $"the data set has {data.Length} values; expected {size} ({_estimator.Shape})";
        }
        int bad = Array.FindIndex(data, v => !float.IsFinite(v));
        return bad < 0 ? null : $"data[{bad}] is {data[bad]}; expected a finite value";
    }

    private SimulationPosteriorRow Fail(long row, string reason)
    {
        if (_options.FailurePolicy == AfinFailurePolicy.Throw)
        {
            throw new InvalidOperationException($"SimulationPosterior: row {row}: {reason}");
        }
        var nan = Enumerable.Repeat(double.NaN, _estimator.ParameterCount).ToArray();
        return new SimulationPosteriorRow { Mean = nan, Median = nan, Lower = nan, Upper = nan, Error = $"row {row}: {reason}" };
    }

    public Delegate OutputGetter(int index, Func<SimulationPosteriorRow> current)
    {
        var (_, type, value) = Columns(_options, _estimator.ParameterCount).ElementAt(index - InputCount);
        if (type is TextDataViewType)
        {
            return (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> dst) => dst = ((string)value(current())).AsMemory());
        }
        return (ValueGetter<VBuffer<double>>)((ref VBuffer<double> dst) =>
        {
            var values = (double[])value(current());
            var editor = VBufferEditor.Create(ref dst, values.Length);
            values.CopyTo(editor.Values);
            dst = editor.Commit();
        });
    }
}
