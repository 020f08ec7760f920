using Microsoft.ML;
using Microsoft.ML.Data;

namespace Afin.MLNet.Mapping;

/// <summary>The output schema: every input column (same indices) followed by the posterior columns.</summary>
internal sealed class OutputLayout
{
    private OutputLayout(DataViewSchema input, DataViewSchema output, AfinPosteriorOptions options, IReadOnlyDictionary<string, DataViewSchema.Column?> bound)
    {
        Input = input;
        Output = output;
        Options = options;
        Bound = bound;
        InputCount = input.Count;
    }

    internal DataViewSchema Input { get; }
    internal DataViewSchema Output { get; }
    internal AfinPosteriorOptions Options { get; }
    internal IReadOnlyDictionary<string, DataViewSchema.Column?> Bound { get; }
    internal int InputCount { get; }

    /// <summary>
    /// A double vector output type holding <paramref name="perDimension"/>(d) values: of that fixed size when the options fix d
    /// (every row is checked against it), else of variable length (d may differ between rows).
    /// </summary>
    private static VectorDataViewType VectorType(AfinPosteriorOptions o, Func<int, int> perDimension) =>
        o.Dimension is { } d ? new(NumberDataViewType.Double, perDimension(d)) : new(NumberDataViewType.Double);

    /// <summary>Output names and types, in order.</summary>
    internal static IEnumerable<(string Name, DataViewType Type, Func<PosteriorRow, object> Value)> Columns(AfinPosteriorOptions o)
    {
        yield return (o.MeanColumn, VectorType(o, d => d), r => r.Mean);
        yield return (o.StdDevColumn, VectorType(o, d => d), r => r.StdDev);
        yield return (o.CovarianceColumn, VectorType(o, d => d * d), r => r.Covariance);
        if (o.SampleCount > 0)
        {
            yield return (o.SamplesColumn, VectorType(o, d => o.SampleCount * d), r => r.Samples);
        }
        if (o.Mode != Afin.Inference.InferenceMode.Amortized)
        {
            yield return (o.ParetoKColumn, NumberDataViewType.Double, r => r.ParetoK);
            yield return (o.EffectiveSampleSizeColumn, NumberDataViewType.Double, r => r.EffectiveSampleSize);
            yield return (o.InferenceMethodColumn, TextDataViewType.Instance, r => r.Method);
        }
        if (o.FailurePolicy == AfinFailurePolicy.Flag)
        {
            yield return (o.ErrorColumn, TextDataViewType.Instance, r => r.Error);
        }
    }

    internal static OutputLayout Create(DataViewSchema input, AfinPosteriorOptions options)
    {
        var bound = InputColumns.Bind(options, input);
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input);
        foreach (var (name, type, _) in Columns(options))
        {
            builder.AddColumn(name, type);
        }
        return new OutputLayout(input, builder.ToSchema(), options, bound);
    }

    /// <summary>A getter of output column <paramref name="index"/> (an index into <see cref="Output"/>) reading the current row's result.</summary>
    internal Delegate OutputGetter(int index, Func<PosteriorRow> current)
    {
        var (_, type, value) = Columns(Options).ElementAt(index - InputCount);
        if (type is TextDataViewType)
        {
            return (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> dst) => dst = ((string)value(current())).AsMemory());
        }
        if (type is NumberDataViewType)
        {
            return (ValueGetter<double>)((ref double dst) => dst = (double)value(current()));
        }
        return (ValueGetter<VBuffer<double>>)((ref VBuffer<double> dst) =>
        {
            var values = (double[])value(current());
            var editor = VBufferEditor.Create(ref dst, values.Length);
            values.CopyTo(editor.Values);
            dst = editor.Commit();
        });
    }

    internal static ValueGetter<TValue> Cast<TValue>(Delegate getter, DataViewSchema.Column column) =>
        getter as ValueGetter<TValue>
        ?? throw new InvalidOperationException($"column '{column.Name}' has type {column.Type}; requested a getter of {typeof(TValue).Name}");
}
