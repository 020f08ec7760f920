using Microsoft.ML;
using Microsoft.ML.Data;

namespace Afin.MLNet.Mapping;

/// <summary>
/// The lazy output of a batching transformer's Transform: nothing is computed until a cursor moves. Each cursor reads
/// <see cref="IBatchMapping{TRaw, TResult}.BatchSize"/> input rows ahead, runs one forward pass for them and then serves
/// them one by one (pass-through columns are buffered for the batch).
/// </summary>
internal sealed class BatchingDataView<TRaw, TResult> : IDataView
    where TRaw : class
    where TResult : class
{
    private readonly IDataView _input;
    private readonly IBatchMapping<TRaw, TResult> _layout;

    internal BatchingDataView(IDataView input, IBatchMapping<TRaw, TResult> mapping)
    {
        _input = input;
        _layout = mapping;
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema => _layout.Output;

    public long? GetRowCount() => _input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var active = new bool[Schema.Count];
        foreach (var column in columnsNeeded)
        {
            active[column.Index] = true;
        }
        bool outputs = active.Skip(_layout.InputCount).Any(a => a);
        var inputColumns = Enumerable.Range(0, _layout.InputCount).Where(i => active[i]).Select(i => _input.Schema[i]).ToList();
        if (outputs)
        {
            inputColumns.AddRange(_layout.NeededInputs);
        }
        var cursor = _input.GetRowCursor(inputColumns.DistinctBy(c => c.Index));
        return new Cursor(this, cursor, active, outputs);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly BatchingDataView<TRaw, TResult> _parent;
        private readonly DataViewRowCursor _input;
        private readonly bool[] _active;
        private readonly bool _outputs;
        private readonly int _capacity;
        private readonly ColumnBuffer?[] _buffers;
        private readonly ValueGetter<DataViewRowId> _inputId;
        private readonly DataViewRowId[] _ids;
        private readonly Func<TRaw>? _reader;
        private readonly List<(TRaw?, Exception?)> _rows;
        private TResult[] _results = [];
        private int _count;
        private int _slot = -1;
        private long _position = -1;
        private bool _disposed;

        internal Cursor(BatchingDataView<TRaw, TResult> parent, DataViewRowCursor input, bool[] active, bool outputs)
        {
            _parent = parent;
            _input = input;
            _active = active;
            _outputs = outputs;
            _capacity = parent._layout.BatchSize;
            _buffers = new ColumnBuffer?[parent._layout.InputCount];
            for (int i = 0; i < _buffers.Length; i++)
            {
                if (active[i])
                {
                    _buffers[i] = ColumnBuffer.Create(input, input.Schema[i], _capacity);
                }
            }
            _inputId = input.GetIdGetter();
            _ids = new DataViewRowId[_capacity];
            _rows = new List<(TRaw?, Exception?)>(_capacity);
            _reader = outputs ? parent._layout.CreateReader(input) : null;
        }

        public override DataViewSchema Schema => _parent.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = _ids[_slot];

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!_active[column.Index])
            {
                throw new InvalidOperationException($"column '{column.Name}' is not active in this cursor");
            }
            var layout = _parent._layout;
            Delegate getter = column.Index < layout.InputCount
                ? _buffers[column.Index]!.Getter(() => _slot)
                : layout.OutputGetter(column.Index, () => _results[_slot]);
            return OutputLayout.Cast<TValue>(getter, column);
        }

        public override bool MoveNext()
        {
            if (_disposed)
            {
                return false;
            }
            if (_slot + 1 < _count)
            {
                _slot++;
                _position++;
                return true;
            }
            _count = 0;
            _rows.Clear();
            while (_count < _capacity && _input.MoveNext())
            {
                _inputId(ref _ids[_count]);
                foreach (var buffer in _buffers)
                {
                    buffer?.Capture(_count);
                }
                if (_reader is not null)
                {
                    try
                    {
                        _rows.Add((_reader(), null));
                    }
                    catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
                    {
                        _rows.Add((null, e));
                    }
                }
                _count++;
            }
            if (_count == 0)
            {
                _slot = -1;
                return false;
            }
            if (_outputs)
            {
                _results = _parent._layout.Compute(_rows, _position + 1);
            }
            _slot = 0;
            _position++;
            return true;
        }

        protected override void Dispose(bool disposing)
        {
            if (_disposed)
            {
                return;
            }
            if (disposing)
            {
                _input.Dispose();
            }
            _disposed = true;
            base.Dispose(disposing);
        }
    }
}
