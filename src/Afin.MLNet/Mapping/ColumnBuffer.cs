using Microsoft.ML;
using Microsoft.ML.Data;

namespace Afin.MLNet.Mapping;

/// <summary>
/// Holds one pass-through input column's values for the rows of a batch, so the batching cursor can read ahead
/// of the rows it serves. Vectors are copied (never aliased with the source's buffers) and text is materialised.
/// </summary>
internal abstract class ColumnBuffer
{
    internal abstract void Capture(int slot);

    internal abstract Delegate Getter(Func<int> slot);

    internal static ColumnBuffer Create(DataViewRowCursor cursor, DataViewSchema.Column column, int capacity)
    {
        var raw = column.Type.RawType;
        Type type;
        if (raw.IsGenericType && raw.GetGenericTypeDefinition() == typeof(VBuffer<>))
        {
            type = typeof(VectorBuffer<>).MakeGenericType(raw.GetGenericArguments()[0]);
        }
        else if (raw == typeof(ReadOnlyMemory<char>))
        {
            type = typeof(TextBuffer);
        }
        else
        {
            type = typeof(ValueBuffer<>).MakeGenericType(raw);
        }
        return (ColumnBuffer)Activator.CreateInstance(type, cursor, column, capacity)!;
    }

    private sealed class ValueBuffer<T> : ColumnBuffer
    {
        private readonly ValueGetter<T> _source;
        private readonly T[] _values;

        public ValueBuffer(DataViewRowCursor cursor, DataViewSchema.Column column, int capacity)
        {
            _source = cursor.GetGetter<T>(column);
            _values = new T[capacity];
        }

        internal override void Capture(int slot) => _source(ref _values[slot]);

        internal override Delegate Getter(Func<int> slot) => (ValueGetter<T>)((ref T dst) => dst = _values[slot()]);
    }

    private sealed class TextBuffer : ColumnBuffer
    {
        private readonly ValueGetter<ReadOnlyMemory<char>> _source;
        private readonly ReadOnlyMemory<char>[] _values;

        public TextBuffer(DataViewRowCursor cursor, DataViewSchema.Column column, int capacity)
        {
            _source = cursor.GetGetter<ReadOnlyMemory<char>>(column);
            _values = new ReadOnlyMemory<char>[capacity];
        }

        internal override void Capture(int slot)
        {
            ReadOnlyMemory<char> value = default;
            _source(ref value);
            _values[slot] = value.ToString().AsMemory();
        }

        internal override Delegate Getter(Func<int> slot) => (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> dst) => dst = _values[slot()]);
    }

    private sealed class VectorBuffer<T> : ColumnBuffer
    {
        private readonly ValueGetter<VBuffer<T>> _source;
        private readonly VBuffer<T>[] _values;
        private VBuffer<T> _scratch;

        public VectorBuffer(DataViewRowCursor cursor, DataViewSchema.Column column, int capacity)
        {
            _source = cursor.GetGetter<VBuffer<T>>(column);
            _values = new VBuffer<T>[capacity];
        }

        internal override void Capture(int slot)
        {
            _source(ref _scratch);
            _scratch.CopyTo(ref _values[slot]);
        }

        internal override Delegate Getter(Func<int> slot) => (ValueGetter<VBuffer<T>>)((ref VBuffer<T> dst) => _values[slot()].CopyTo(ref dst));
    }
}
