using Microsoft.ML;
using Microsoft.ML.Data;

namespace Afin.MLNet.Mapping;

/// <summary>
/// Row-to-row mapping for <see cref="PredictionEngine{TSrc, TDst}"/> and composed mappers: each row is one forward pass
/// (batch of one), computed once per input position when an output column is first read.
/// </summary>
internal sealed class BatchingRowMapper<TRaw, TResult> : IRowToRowMapper
    where TRaw : class
    where TResult : class
{
    private readonly IBatchMapping<TRaw, TResult> _layout;

    internal BatchingRowMapper(IBatchMapping<TRaw, TResult> mapping)
    {
        _layout = mapping;
    }

    public DataViewSchema InputSchema => _layout.Input;

    public DataViewSchema OutputSchema => _layout.Output;

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        var needed = new Dictionary<int, DataViewSchema.Column>();
        foreach (var column in dependingColumns)
        {
            if (column.Index < _layout.InputCount)
            {
                needed[column.Index] = _layout.Input[column.Index];
            }
            else
            {
                foreach (var input in _layout.NeededInputs)
                {
                    needed[input.Index] = input;
                }
            }
        }
        return needed.Values.OrderBy(c => c.Index).ToArray();
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns) =>
        new Row(this, input, activeColumns);

    private sealed class Row : DataViewRow
    {
        private readonly BatchingRowMapper<TRaw, TResult> _mapper;
        private readonly DataViewRow _input;
        private readonly bool[] _active;
        private Func<TRaw>? _reader;
        private TResult? _result;
        private long _resultPosition = -1;

        internal Row(BatchingRowMapper<TRaw, TResult> mapper, DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
        {
            _mapper = mapper;
            _input = input;
            _active = new bool[mapper.OutputSchema.Count];
            foreach (var column in activeColumns)
            {
                _active[column.Index] = true;
            }
        }

        public override DataViewSchema Schema => _mapper.OutputSchema;

        public override long Position => _input.Position;

        public override long Batch => _input.Batch;

        public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) =>
            column.Index < _mapper._layout.InputCount ? _input.IsColumnActive(_input.Schema[column.Index]) : _active[column.Index];

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            var layout = _mapper._layout;
            if (column.Index < layout.InputCount)
            {
                return _input.GetGetter<TValue>(_input.Schema[column.Index]);
            }
            if (!_active[column.Index])
            {
                throw new InvalidOperationException($"column '{column.Name}' is not active in this row");
            }
            return OutputLayout.Cast<TValue>(layout.OutputGetter(column.Index, Current), column);
        }

        private TResult Current()
        {
            if (_result is null || _resultPosition != _input.Position)
            {
                _reader ??= _mapper._layout.CreateReader(_input);
                (TRaw?, Exception?) raw;
                try
                {
                    raw = (_reader(), null);
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
                {
                    raw = (null, e);
                }
                _result = _mapper._layout.Compute([raw], _input.Position)[0];
                _resultPosition = _input.Position;
            }
            return _result;
        }
    }
}
