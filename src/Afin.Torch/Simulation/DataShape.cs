namespace Afin.Simulation;

/// <summary>How a simulator's data set is laid out; decides the built-in summary network.</summary>
public enum DataLayout
{
    /// <summary>A flat vector of features (summarised by an MLP).</summary>
    Vector,

    /// <summary>A 2-d field on a regular grid, stored row-major (summarised by a small CNN).</summary>
    Grid,

    /// <summary>Exchangeable replicates, each a vector, stored replicate after replicate (summarised by DeepSets).</summary>
    Replicates,
}

/// <summary>The shape of one simulated data set. Every data set is stored as <see cref="Size"/> floats.</summary>
public sealed record DataShape
{
    private DataShape(DataLayout layout, int rows, int columns)
    {
        if (rows < 1 || columns < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), $"a data shape needs positive sizes; got {rows} x {columns}");
        }
        Layout = layout;
        Rows = rows;
        Columns = columns;
    }

    /// <summary>A vector of <paramref name="length"/> values.</summary>
    public static DataShape Vector(int length) => new(DataLayout.Vector, 1, length);

    /// <summary>A <paramref name="height"/> x <paramref name="width"/> field, row-major.</summary>
    public static DataShape Grid(int height, int width) => new(DataLayout.Grid, height, width);

    /// <summary><paramref name="count"/> exchangeable replicates of <paramref name="length"/> values each.</summary>
    public static DataShape Replicates(int count, int length) => new(DataLayout.Replicates, count, length);

    /// <summary>The layout.</summary>
    public DataLayout Layout { get; init; }

    /// <summary>Grid height, replicate count, or 1 for a vector.</summary>
    public int Rows { get; init; }

    /// <summary>Grid width, replicate length, or the vector length.</summary>
    public int Columns { get; init; }

    /// <summary>Number of floats in one data set.</summary>
    public int Size => Rows * Columns;

    /// <inheritdoc />
    public override string ToString() => Layout switch
    {
        DataLayout.Vector => $"vector of {Columns}",
        DataLayout.Grid => $"{Rows} x {Columns} grid",
        _ => $"{Rows} replicates of {Columns}",
    };
}
