using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Afin.MLNet.Mapping;

/// <summary>
/// The result of <see cref="ObservationGrouping.GroupObservations"/>: one problem row per group. The schema is fixed at construction
/// (after checking the input columns); the observations are read and grouped once, when the first cursor opens.
/// </summary>
internal sealed class GroupedProblemsView : IDataView
{
    private readonly IDataView _observations;
    private readonly ObservationGroupingOptions _options;
    private readonly DataViewSchema.Column _key;
    private readonly IReadOnlyList<DataViewSchema.Column> _features;
    private readonly DataViewSchema.Column _label;
    private readonly DataViewSchema.Column? _noise, _df, _total, _offset, _weight;
    private readonly Lazy<StoredColumn[]> _data;

    internal GroupedProblemsView(IDataView observations, ObservationGroupingOptions options)
    {
        _observations = observations;
        _options = options;
        var schema = observations.Schema;
        DataViewSchema.Column Find(string name, string role) => schema.GetColumnOrNull(name)
            ?? throw new ArgumentOutOfRangeException(nameof(observations), $"GroupObservations: {role} column '{name}' not found");
        _key = Find(options.GroupColumn, "group");
        if (_key.Type is VectorDataViewType || !(_key.Type is TextDataViewType || _key.Type.RawType.IsPrimitive))
        {
            throw new ArgumentOutOfRangeException(nameof(observations), $"GroupObservations: group column '{_key.Name}': expected a scalar text, number, boolean or key, got {_key.Type}");
        }
        _features = (options.FeatureColumns ?? [options.FeaturesColumn]).Select(n => CheckNumeric(Find(n, "feature"), vectorAllowed: true)).ToArray();
        _label = CheckNumeric(Find(options.LabelColumn, "label"), vectorAllowed: false);
        _noise = options.NoiseScaleColumn is { } noise ? CheckNumeric(Find(noise, "noise scale"), false) : null;
        _df = options.DfColumn is { } df ? CheckNumeric(Find(df, "degrees of freedom"), false) : null;
        _total = options.TotalCountColumn is { } total ? CheckNumeric(Find(total, "total count"), false) : null;
        _offset = options.OffsetColumn is { } offset ? CheckNumeric(Find(offset, "offset"), false) : null;
        _weight = options.WeightColumn is { } weight ? CheckNumeric(Find(weight, "weight"), false) : null;

        var builder = new DataViewSchema.Builder();
        var c = options.ProblemColumns;
        var doubles = new VectorDataViewType(NumberDataViewType.Double);
        builder.AddColumn(_key.Name, _key.Type, _key.Annotations);
        builder.AddColumn(options.ObservationCountColumn, NumberDataViewType.Int32);
        builder.AddColumn(c.PriorFamilyColumn, TextDataViewType.Instance);
        foreach (var name in options.WrittenColumns().Skip(3))
        {
            builder.AddColumn(name, name == c.LikelihoodFamilyColumn ? new VectorDataViewType(TextDataViewType.Instance) : doubles);
        }
        Schema = builder.ToSchema();
        _data = new Lazy<StoredColumn[]>(Read, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _data.IsValueCreated ? _data.Value[0].Count : null;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var active = new bool[Schema.Count];
        foreach (var column in columnsNeeded)
        {
            active[column.Index] = true;
        }
        return new Cursor(this, _data.Value, active);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private static DataViewSchema.Column CheckNumeric(DataViewSchema.Column column, bool vectorAllowed) =>
        NumericReader.Check(column, vectorAllowed, "GroupObservations", "observations");

    /// <summary>Per-group accumulators.</summary>
    private sealed class Group
    {
        public readonly List<double> X = [];
        public readonly List<double> Y = [];
        public readonly List<double> Noise = [];
        public readonly List<double> Df = [];
        public readonly List<double> Total = [];
        public readonly List<double> Offset = [];
        public readonly List<double> Weight = [];
        public int Count;
    }

    private StoredColumn[] Read()
    {
        var o = _options;
        var needed = new List<DataViewSchema.Column> { _key, _label };
        needed.AddRange(_features);
        foreach (var optional in new[] { _noise, _df, _total, _offset, _weight })
        {
            if (optional is { } column)
            {
                needed.Add(column);
            }
        }
        var groups = new List<Group>();
        KeyIndex index;
        using (var cursor = _observations.GetRowCursor(needed.DistinctBy(c => c.Index)))
        {
            index = KeyIndex.Create(cursor, _key);
            var features = _features.Select(f => NumericReader.Vector(cursor, f)).ToArray();
            var label = NumericReader.Scalar(cursor, _label);
            var noise = _noise is { } n ? NumericReader.Scalar(cursor, n) : null;
            var df = _df is { } d ? NumericReader.Scalar(cursor, d) : null;
            var total = _total is { } t ? NumericReader.Scalar(cursor, t) : null;
            var offset = _offset is { } of ? NumericReader.Scalar(cursor, of) : null;
            var weight = _weight is { } w ? NumericReader.Scalar(cursor, w) : null;
            int dimension = -1;
            while (cursor.MoveNext())
            {
                int g = index.Next();
                if (g == groups.Count)
                {
                    groups.Add(new Group());
                }
                var group = groups[g];
                int before = group.X.Count;
                if (o.AddIntercept)
                {
                    group.X.Add(1.0);
                }
                foreach (var feature in features)
                {
                    feature(group.X);
                }
                int width = group.X.Count - before;
                if (dimension < 0)
                {
                    dimension = width;
                }
                else if (width != dimension)
                {
                    throw new InvalidOperationException($"GroupObservations: observation row {cursor.Position}: expected {dimension} features (as in the first row), got {width}");
                }
                group.Y.Add(label());
                group.Noise.Add(noise?.Invoke() ?? o.NoiseScale);
                group.Df.Add(df?.Invoke() ?? o.Df);
                group.Total.Add(total?.Invoke() ?? o.TotalCount);
                group.Offset.Add(offset?.Invoke() ?? 0);
                group.Weight.Add(weight?.Invoke() ?? 1);
                group.Count++;
            }
        }
        var c = o.ProblemColumns;
        double[][] Constant(IReadOnlyList<double> v) => groups.Select(_ => v.ToArray()).ToArray();
        double[][] PerSite(Func<Group, List<double>> pick, bool fromColumn, double constant) =>
            groups.Select(g => fromColumn ? pick(g).ToArray() : [constant]).ToArray();
        var columns = new List<StoredColumn>
        {
            index.Column(),
            new ScalarColumn<int>(groups.Select(g => g.Count).ToArray()),
            new ScalarColumn<ReadOnlyMemory<char>>(groups.Select(_ => o.PriorFamily.AsMemory()).ToArray()),
        };
        foreach (var name in o.WrittenColumns().Skip(3))
        {
            StoredColumn column =
                name == c.PriorLocColumn ? new VectorColumn<double>(Constant(o.PriorLoc))
                : name == c.PriorScaleColumn ? new VectorColumn<double>(Constant(o.PriorScale))
                : name == c.PriorPrecisionColumn ? new VectorColumn<double>(Constant(o.PriorPrecision!))
                : name == c.PriorDfColumn ? new VectorColumn<double>(Constant(o.PriorDf))
                : name == c.LikelihoodFamilyColumn ? new VectorColumn<ReadOnlyMemory<char>>(groups.Select(_ => new[] { o.LikelihoodFamily.AsMemory() }).ToArray())
                : name == c.XColumn ? new VectorColumn<double>(groups.Select(g => g.X.ToArray()).ToArray())
                : name == c.YColumn ? new VectorColumn<double>(groups.Select(g => g.Y.ToArray()).ToArray())
                : name == c.NoiseScaleColumn ? new VectorColumn<double>(PerSite(g => g.Noise, _noise is not null, o.NoiseScale))
                : name == c.DfColumn ? new VectorColumn<double>(PerSite(g => g.Df, _df is not null, o.Df))
                : name == c.TotalCountColumn ? new VectorColumn<double>(PerSite(g => g.Total, _total is not null, o.TotalCount))
                : name == c.OffsetColumn ? new VectorColumn<double>(PerSite(g => g.Offset, true, 0))
                : name == c.WeightColumn ? new VectorColumn<double>(PerSite(g => g.Weight, true, 1))
                : throw new InvalidOperationException($"GroupObservations: no content for column '{name}'");
            columns.Add(column);
        }
        return columns.ToArray();
    }

    /// <summary>Maps each observation's key to its group index (groups numbered in order of first appearance) and keeps the keys.</summary>
    private abstract class KeyIndex
    {
        internal abstract int Next();

        internal abstract StoredColumn Column();

        internal static KeyIndex Create(DataViewRowCursor cursor, DataViewSchema.Column key)
        {
            if (key.Type is TextDataViewType)
            {
                return new TextKeys(cursor.GetGetter<ReadOnlyMemory<char>>(key));
            }
            var method = typeof(KeyIndex).GetMethod(nameof(Typed), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(key.Type.RawType);
            return (KeyIndex)method.Invoke(null, [cursor, key])!;
        }

        private static KeyIndex Typed<T>(DataViewRowCursor cursor, DataViewSchema.Column key) where T : notnull =>
            new PrimitiveKeys<T>(cursor.GetGetter<T>(key));

        private sealed class TextKeys(ValueGetter<ReadOnlyMemory<char>> getter) : KeyIndex
        {
            private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
            private readonly List<ReadOnlyMemory<char>> _keys = [];

            internal override int Next()
            {
                ReadOnlyMemory<char> value = default;
                getter(ref value);
                string text = value.ToString();
                if (!_index.TryGetValue(text, out int g))
                {
                    g = _keys.Count;
                    _index[text] = g;
                    _keys.Add(text.AsMemory());
                }
                return g;
            }

            internal override StoredColumn Column() => new ScalarColumn<ReadOnlyMemory<char>>(_keys.ToArray());
        }

        private sealed class PrimitiveKeys<T>(ValueGetter<T> getter) : KeyIndex where T : notnull
        {
            private readonly Dictionary<T, int> _index = [];
            private readonly List<T> _keys = [];

            internal override int Next()
            {
                T value = default!;
                getter(ref value);
                if (!_index.TryGetValue(value, out int g))
                {
                    g = _keys.Count;
                    _index[value] = g;
                    _keys.Add(value);
                }
                return g;
            }

            internal override StoredColumn Column() => new ScalarColumn<T>(_keys.ToArray());
        }
    }

    /// <summary>One materialised output column.</summary>
    private abstract class StoredColumn
    {
        internal abstract int Count { get; }

        internal abstract Delegate Getter(Cursor cursor);
    }

    private sealed class ScalarColumn<T>(T[] values) : StoredColumn
    {
        internal override int Count => values.Length;

        internal override Delegate Getter(Cursor cursor) => (ValueGetter<T>)((ref T value) => value = values[cursor.Row]);
    }

    /// <summary>Variable-length vectors; each read copies into the caller's buffer (callers may reuse and edit it).</summary>
    private sealed class VectorColumn<T>(T[][] values) : StoredColumn
    {
        internal override int Count => values.Length;

        internal override Delegate Getter(Cursor cursor) => (ValueGetter<VBuffer<T>>)((ref VBuffer<T> value) =>
        {
            var source = values[cursor.Row];
            var editor = VBufferEditor.Create(ref value, source.Length);
            source.CopyTo(editor.Values);
            value = editor.Commit();
        });
    }

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly GroupedProblemsView _parent;
        private readonly StoredColumn[] _columns;
        private readonly bool[] _active;
        private readonly int _count;
        private long _position = -1;

        internal Cursor(GroupedProblemsView parent, StoredColumn[] columns, bool[] active)
        {
            _parent = parent;
            _columns = columns;
            _active = active;
            _count = columns[0].Count;
        }

        internal int Row => (int)_position;

        public override DataViewSchema Schema => _parent.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool MoveNext()
        {
            if (_position + 1 < _count)
            {
                _position++;
                return true;
            }
            _position = _count;
            return false;
        }

        public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!_active[column.Index])
            {
                throw new InvalidOperationException($"GroupObservations: column '{column.Name}' is not active in this cursor");
            }
            return _columns[column.Index].Getter(this) as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"GroupObservations: column '{column.Name}' has type {column.Type}; cannot read it as {typeof(TValue).Name}");
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);
    }
}
