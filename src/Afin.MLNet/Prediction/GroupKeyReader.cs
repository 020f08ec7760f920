using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Afin.MLNet.Prediction;

/// <summary>Reads a row's group key (text, number, boolean or key type) as the text the group table is indexed by.</summary>
internal static class GroupKeyReader
{
    /// <summary>Whether a column can hold group keys.</summary>
    internal static bool Supports(DataViewType type) => type is TextDataViewType || (type is not VectorDataViewType && type.RawType.IsPrimitive);

    internal static Func<string> Create(DataViewRow row, DataViewSchema.Column column)
    {
        if (column.Type is TextDataViewType)
        {
            var text = row.GetGetter<ReadOnlyMemory<char>>(column);
            return () =>
            {
                ReadOnlyMemory<char> value = default;
                text(ref value);
                return value.ToString();
            };
        }
        return column.Type.RawType switch
        {
            var t when t == typeof(int) => Primitive<int>(row, column),
            var t when t == typeof(uint) => Primitive<uint>(row, column),
            var t when t == typeof(long) => Primitive<long>(row, column),
            var t when t == typeof(ulong) => Primitive<ulong>(row, column),
            var t when t == typeof(float) => Primitive<float>(row, column),
            var t when t == typeof(double) => Primitive<double>(row, column),
            var t when t == typeof(bool) => Primitive<bool>(row, column),
            _ => throw new ArgumentOutOfRangeException(nameof(column), $"group column '{column.Name}': expected a scalar text, number, boolean or key, got {column.Type}"),
        };
    }

    private static Func<string> Primitive<T>(DataViewRow row, DataViewSchema.Column column) where T : notnull
    {
        var getter = row.GetGetter<T>(column);
        return () =>
        {
            T value = default!;
            getter(ref value);
            return Convert.ToString(value, CultureInfo.InvariantCulture)!;
        };
    }
}
