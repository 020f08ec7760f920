using Microsoft.ML;
using Microsoft.ML.Data;

namespace Afin.MLNet.Mapping;

/// <summary>Reads numeric (Single, Double, Int32, Int64, Boolean) scalars and vectors of a row as doubles.</summary>
internal static class NumericReader
{
    /// <summary>Whether the readers take this item type.</summary>
    internal static bool Supports(DataViewType item) =>
        item == NumberDataViewType.Single || item == NumberDataViewType.Double || item == NumberDataViewType.Int32
        || item == NumberDataViewType.Int64 || item is BooleanDataViewType;

    /// <summary>
    /// The column, when it holds numbers the readers take (a scalar, or a vector where <paramref name="vectorAllowed"/>);
    /// otherwise an error naming <paramref name="caller"/>, the column and the type found.
    /// </summary>
    /// <param name="column">The input column.</param>
    /// <param name="vectorAllowed">Whether a vector column is accepted.</param>
    /// <param name="caller">The estimator or transform the message names, e.g. <c>GroupObservations</c>.</param>
    /// <param name="parameter">The parameter the column came through: the exception's ParamName.</param>
    internal static DataViewSchema.Column Check(DataViewSchema.Column column, bool vectorAllowed, string caller, string parameter)
    {
        var item = column.Type is VectorDataViewType v ? v.ItemType : column.Type;
        bool ok = (vectorAllowed || column.Type is not VectorDataViewType) && Supports(item);
        return ok ? column : throw new ArgumentOutOfRangeException(parameter,
            $"{caller}: column '{column.Name}': expected a {(vectorAllowed ? "scalar or vector" : "scalar")} of Single, Double, Int32, Int64 or Boolean, got {column.Type}");
    }

    /// <summary>A reader of a scalar column.</summary>
    internal static Func<double> Scalar(DataViewRow row, DataViewSchema.Column column) => column.Type.RawType switch
    {
        var t when t == typeof(float) => Scalar<float>(row, column, v => v),
        var t when t == typeof(double) => Scalar<double>(row, column, v => v),
        var t when t == typeof(int) => Scalar<int>(row, column, v => v),
        var t when t == typeof(long) => Scalar<long>(row, column, v => v),
        var t when t == typeof(bool) => Scalar<bool>(row, column, v => v ? 1 : 0),
        _ => throw new ArgumentOutOfRangeException(nameof(column), $"column '{column.Name}': unsupported type {column.Type}"),
    };

    /// <summary>A reader that appends a scalar or vector column's values to a list.</summary>
    internal static Action<List<double>> Vector(DataViewRow row, DataViewSchema.Column column)
    {
        if (column.Type is not VectorDataViewType vector)
        {
            var scalar = Scalar(row, column);
            return list => list.Add(scalar());
        }
        return vector.ItemType.RawType switch
        {
            var t when t == typeof(float) => Vector<float>(row, column, v => v),
            var t when t == typeof(double) => Vector<double>(row, column, v => v),
            var t when t == typeof(int) => Vector<int>(row, column, v => v),
            var t when t == typeof(long) => Vector<long>(row, column, v => v),
            var t when t == typeof(bool) => Vector<bool>(row, column, v => v ? 1 : 0),
            _ => throw new ArgumentOutOfRangeException(nameof(column), $"column '{column.Name}': unsupported type {column.Type}"),
        };
    }

    private static Func<double> Scalar<T>(DataViewRow row, DataViewSchema.Column column, Func<T, double> convert)
    {
        var getter = row.GetGetter<T>(column);
        return () =>
        {
            T value = default!;
            getter(ref value);
            return convert(value);
        };
    }

    private static Action<List<double>> Vector<T>(DataViewRow row, DataViewSchema.Column column, Func<T, double> convert)
    {
        var getter = row.GetGetter<VBuffer<T>>(column);
        VBuffer<T> buffer = default;
        return list =>
        {
            getter(ref buffer);
            foreach (var value in buffer.DenseValues())
            {
                list.Add(convert(value));
            }
        };
    }
}
