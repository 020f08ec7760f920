using System.Runtime.InteropServices;
using System.Text.Json;
using Afin.Persistence;

namespace Afin.Simulation;

/// <summary>
/// Parameters and the data sets simulated from them, stored flat: row i of <see cref="Parameters"/> (length
/// <see cref="ParameterCount"/>) produced row i of <see cref="Data"/> (length <see cref="DataShape.Size"/>). Built by a
/// seeded simulation, or read from a file written by <see cref="Save"/>.
/// </summary>
public sealed class SimulationSet
{
    /// <summary>Number of simulations per seeded batch; part of the seed's meaning, so it is fixed.</summary>
    internal const int BatchSize = 256;

    /// <summary>Wraps existing arrays (checked for consistent lengths and finite values).</summary>
    public SimulationSet(double[] parameters, float[] data, int parameterCount, DataShape shape)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        if (parameterCount < 1 || parameters.Length % parameterCount != 0)
        {
            throw new ArgumentException($"parameters has {parameters.Length} values; expected a multiple of the parameter count {parameterCount}", nameof(parameters));
        }
        int count = parameters.Length / parameterCount;
        if (data.Length != (long)count * shape.Size)
        {
            throw new ArgumentException($"data has {data.Length} values; expected {count} simulations x {shape.Size} ({shape})", nameof(data));
        }
        for (int i = 0; i < data.Length; i++)
        {
            if (!float.IsFinite(data[i]))
            {
                throw new SimulatorOutputException($"simulation {i / shape.Size}: data[{i % shape.Size}] is {data[i]}; expected a finite value");
            }
        }
        Parameters = parameters;
        Data = data;
        ParameterCount = parameterCount;
        Shape = shape;
    }

    /// <summary>Parameter vectors, row-major (Count x ParameterCount).</summary>
    public double[] Parameters { get; }

    /// <summary>Data sets, row-major (Count x Shape.Size).</summary>
    public float[] Data { get; }

    /// <summary>Number of parameters per simulation.</summary>
    public int ParameterCount { get; }

    /// <summary>The shape of each data set.</summary>
    public DataShape Shape { get; }

    /// <summary>Number of simulations.</summary>
    public int Count => Parameters.Length / ParameterCount;

    /// <summary>The parameters of simulation <paramref name="index"/>.</summary>
    public ReadOnlySpan<double> ParametersOf(int index) => Parameters.AsSpan(index * ParameterCount, ParameterCount);

    /// <summary>The data set of simulation <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> DataOf(int index) => Data.AsSpan(index * Shape.Size, Shape.Size);

    /// <summary>
    /// Draws <paramref name="count"/> parameter vectors from the prior and simulates a data set for each, in batches of
    /// 256 whose generators derive from (<paramref name="seed"/>, batch index), so the result depends on the seed only.
    /// </summary>
    /// <exception cref="SimulatorOutputException">The simulator returned a wrong number of data sets or values, or a
    /// NaN or infinity; the message names the simulation index, its parameters and the element.</exception>
    public static SimulationSet Simulate(IParameterPrior prior, ISimulator simulator, int count, int seed, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(prior);
        ArgumentNullException.ThrowIfNull(simulator);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (prior.Dimension != simulator.ParameterCount)
        {
            throw new ArgumentException($"the prior has {prior.Dimension} parameters but the simulator expects {simulator.ParameterCount}", nameof(prior));
        }
        int p = prior.Dimension, size = simulator.Shape.Size;
        var parameters = new double[count * p];
        var data = new float[(long)count * size];
        for (int start = 0, batch = 0; start < count; start += BatchSize, batch++)
        {
            cancellation.ThrowIfCancellationRequested();
            int n = Math.Min(BatchSize, count - start);
            var random = SimulationSeeds.Stream(seed, batch);
            var thetas = new double[n][];
            for (int i = 0; i < n; i++)
            {
                thetas[i] = prior.Sample(random);
                thetas[i].CopyTo(parameters, (start + i) * p);
            }
            var simulated = simulator.Simulate(thetas, random);
            CheckOutput(simulated, thetas, start, simulator.Shape);
            for (int i = 0; i < n; i++)
            {
                simulated[i].CopyTo(data, (long)(start + i) * size);
            }
        }
        return new SimulationSet(parameters, data, p, simulator.Shape);
    }

    /// <summary>Checks one batch of simulator output; <paramref name="offset"/> is the index of its first simulation.</summary>
    internal static void CheckOutput(float[][]? simulated, IReadOnlyList<double[]> thetas, int offset, DataShape shape)
    {
        if (simulated is null || simulated.Length != thetas.Count)
        {
            throw new SimulatorOutputException(
                $"simulations {offset}..{offset + thetas.Count - 1}: the simulator returned {simulated?.Length ?? 0} data sets for {thetas.Count} parameter vectors");
        }
        for (int i = 0; i < simulated.Length; i++)
        {
            var row = simulated[i];
            string where = $"simulation {offset + i} (theta = [{string.Join(", ", thetas[i].Select(t => t.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)))}])";
            if (row is null || row.Length != shape.Size)
            {
                throw new SimulatorOutputException($"{where}: the simulator returned {row?.Length ?? 0} values; expected {shape.Size} ({shape})");
            }
            for (int k = 0; k < row.Length; k++)
            {
                if (!float.IsFinite(row[k]))
                {
                    throw new SimulatorOutputException($"{where}: data[{k}] is {row[k]}; expected a finite value");
                }
            }
        }
    }

    /// <summary>The first <paramref name="count"/> simulations and the rest, as two sets (a validation split).</summary>
    public (SimulationSet Head, SimulationSet Tail) Split(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(count, Count);
        int p = ParameterCount, size = Shape.Size;
        return (
            new SimulationSet(Parameters[..(count * p)], Data[..(count * size)], p, Shape),
            new SimulationSet(Parameters[(count * p)..], Data[(count * size)..], p, Shape));
    }

    /// <summary>Writes the set (versioned and hashed, like every AFIN file).</summary>
    public void Save(string path)
    {
        var header = JsonSerializer.Serialize(new SetHeader(ParameterCount, Shape.Layout, Shape.Rows, Shape.Columns, Count), SimulationJson.Options);
        AtomicFile.Write(path, file => AfinFileFormat.Write(file, AfinFileKind.SimulationSet, header,
                [("parameters", MemoryMarshal.AsBytes(Parameters.AsSpan()).ToArray()), ("data", MemoryMarshal.AsBytes(Data.AsSpan()).ToArray())]));
    }

    /// <summary>Reads a set written by <see cref="Save"/>.</summary>
    /// <exception cref="InvalidDataException">The file is truncated, corrupt or not a simulation set.</exception>
    public static SimulationSet Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"simulation set '{path}' does not exist", path);
        }
        var content = AfinFileFormat.Read(File.ReadAllBytes(path), AfinFileKind.SimulationSet, path);
        var header = JsonSerializer.Deserialize<SetHeader>(content.HeaderJson, SimulationJson.Options)
            ?? throw new InvalidDataException($"{path}: corrupt: empty header");
        var shape = header.Layout switch
        {
            DataLayout.Vector => DataShape.Vector(header.Columns),
            DataLayout.Grid => DataShape.Grid(header.Rows, header.Columns),
            _ => DataShape.Replicates(header.Rows, header.Columns),
        };
        var parameters = MemoryMarshal.Cast<byte, double>(content.Section("parameters", path)).ToArray();
        var data = MemoryMarshal.Cast<byte, float>(content.Section("data", path)).ToArray();
        if (parameters.Length != header.Count * header.ParameterCount || data.Length != (long)header.Count * shape.Size)
        {
            throw new InvalidDataException($"{path}: corrupt: the sections do not hold {header.Count} simulations of {header.ParameterCount} parameters and {shape}");
        }
        return new SimulationSet(parameters, data, header.ParameterCount, shape);
    }

    private sealed record SetHeader(int ParameterCount, DataLayout Layout, int Rows, int Columns, int Count);
}
