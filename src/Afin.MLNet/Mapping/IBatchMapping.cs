using Microsoft.ML;
using Microsoft.ML.Data;

namespace Afin.MLNet.Mapping;

/// <summary>
/// What a batching transformer computes: which input columns its outputs need, how one row's raw input is read, how a
/// batch of raw inputs becomes results (one forward pass), and how a result is served through an output column. The
/// cursor and row-mapper plumbing (<see cref="BatchingDataView{TRaw, TResult}"/>, <see cref="BatchingRowMapper{TRaw, TResult}"/>)
/// is shared by every transformer of this package.
/// </summary>
internal interface IBatchMapping<TRaw, TResult>
    where TRaw : class
    where TResult : class
{
    /// <summary>The input schema.</summary>
    DataViewSchema Input { get; }

    /// <summary>The input columns (same indices) followed by the output columns.</summary>
    DataViewSchema Output { get; }

    /// <summary>Number of input columns.</summary>
    int InputCount { get; }

    /// <summary>Rows per forward pass in a cursor.</summary>
    int BatchSize { get; }

    /// <summary>The input columns the outputs are computed from.</summary>
    IEnumerable<DataViewSchema.Column> NeededInputs { get; }

    /// <summary>A reader of the raw input of <paramref name="row"/>'s current position; it throws ArgumentException,
    /// InvalidOperationException or FormatException for a bad row, which the failure policy then handles.</summary>
    Func<TRaw> CreateReader(DataViewRow row);

    /// <summary>Results for a batch of rows (a failed read carries its exception); <paramref name="firstRow"/> is the position of the first.</summary>
    TResult[] Compute(IReadOnlyList<(TRaw? Raw, Exception? Error)> rows, long firstRow);

    /// <summary>A getter of output column <paramref name="index"/> (an index into <see cref="Output"/>) reading the current row's result.</summary>
    Delegate OutputGetter(int index, Func<TResult> current);
}
