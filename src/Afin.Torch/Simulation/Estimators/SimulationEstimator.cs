using System.Text.Json;
using Afin.Persistence;
using Afin.Simulation.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Afin.Simulation.Estimators;

/// <summary>
/// A trained amortized estimator for a simulator: one forward pass turns a data set into what the method says about
/// theta. The three methods (<see cref="NeuralBayesEstimator"/>, <see cref="NeuralPosteriorEstimator"/>,
/// <see cref="NeuralRatioEstimator"/>) share the summary network, the scalings, the training loop and the file format,
/// so any of them loads through <see cref="Load(string, IParameterPrior?, Func{DataShape, nn.Module{Tensor, Tensor}}?)"/>.
/// </summary>
public abstract class SimulationEstimator : IDisposable
{
    /// <summary>Data sets per forward pass when summarising many.</summary>
    private const int BatchSize = 256;

    private protected SimulationEstimator(EstimatorState state)
    {
        State = state;
    }

    internal EstimatorState State { get; }

    /// <summary>The method.</summary>
    public EstimatorKind Kind => State.Kind;

    /// <summary>Number of parameters.</summary>
    public int ParameterCount => State.ParameterCount;

    /// <summary>The shape of the data sets the estimator reads.</summary>
    public DataShape Shape => State.Shape;

    /// <summary>The prior it was trained under (null when it was a custom prior not passed to the load call).</summary>
    public IParameterPrior? Prior => State.Prior;

    /// <summary>How it was trained.</summary>
    public SimulationTrainingSummary Training => State.Training;

    private protected abstract nn.Module Network { get; }

    /// <summary>The summary network it was trained with (a custom one's factory is code and is not saved in files).</summary>
    public abstract SummaryNetworkOptions SummaryOptions { get; }

    /// <summary>The method options as JSON (saved in the file header).</summary>
    private protected abstract string OptionsJson { get; }

    /// <summary>Summarises the posterior for one data set (<see cref="DataShape.Size"/> values).</summary>
    public SimulationPosteriorSummary Summarise(float[] data, int seed = 0) => Summarise([data], seed)[0];

    /// <summary>
    /// Summarises the posterior for many data sets in batched forward passes. Draws, where the method makes them, are
    /// seeded by (<paramref name="seed"/>, index), so the answer for a data set does not depend on its batch.
    /// </summary>
    /// <exception cref="ArgumentException">A data set has the wrong length or a NaN or infinite value; the message names its index.</exception>
    public IReadOnlyList<SimulationPosteriorSummary> Summarise(IReadOnlyList<float[]> data, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Summarise(data, seed, Enumerable.Range(0, data.Count).Select(i => (long)i).ToArray());
    }

    /// <summary>Summaries whose draws for data set i are seeded by (<paramref name="seed"/>, <paramref name="streams"/>[i]):
    /// a pipeline passes row positions, so a row's answer does not depend on the batch it was computed in.</summary>
    /// <exception cref="ArgumentException">A data set has the wrong length or a NaN or infinite value, or the stream count differs.</exception>
    public IReadOnlyList<SimulationPosteriorSummary> Summarise(IReadOnlyList<float[]> data, int seed, IReadOnlyList<long> streams)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(streams);
        if (streams.Count != data.Count)
        {
            throw new ArgumentException($"streams has {streams.Count} entries; expected one per data set ({data.Count})", nameof(streams));
        }
        var results = new List<SimulationPosteriorSummary>(data.Count);
        for (int start = 0; start < data.Count; start += BatchSize)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            int n = Math.Min(BatchSize, data.Count - start);
            var batch = DataTensor(data, start, n);
            results.AddRange(SummariseBatch(batch, seed, streams.Skip(start).Take(n).ToArray()));
        }
        return results;
    }

    /// <summary>Summaries for one batch of standardised data (n, size); <paramref name="streams"/> seed each data set's draws.</summary>
    private protected abstract IReadOnlyList<SimulationPosteriorSummary> SummariseBatch(Tensor data, int seed, long[] streams);

    /// <summary>Standardised data sets [start, start + count) as a tensor, after checking each one.</summary>
    internal Tensor DataTensor(IReadOnlyList<float[]> data, int start, int count)
    {
        int size = Shape.Size;
        var flat = new float[count * size];
        for (int i = 0; i < count; i++)
        {
            var row = data[start + i] ?? throw new ArgumentException($"data[{start + i}] is null; expected {size} values ({Shape})", nameof(data));
            if (row.Length != size)
            {
                throw new ArgumentException($"data[{start + i}] has {row.Length} values; expected {size} ({Shape})", nameof(data));
            }
            for (int k = 0; k < size; k++)
            {
                if (!float.IsFinite(row[k]))
                {
                    throw new ArgumentException($"data[{start + i}][{k}] is {row[k]}; expected a finite value", nameof(data));
                }
            }
            row.CopyTo(flat, i * size);
        }
        return State.Data.ToNetwork(flat);
    }

    /// <summary>The seeded generator for data set <paramref name="index"/>.</summary>
    private protected static Random RandomFor(int seed, long index) => SimulationSeeds.Stream(seed, index);

    /// <summary>Writes the estimator (atomically; versioned and hashed like every AFIN file).</summary>
    public void Save(string path)
    {
        AtomicFile.Write(path, Save);
    }

    /// <summary>Writes the estimator to a stream (for containers such as an ML.NET model zip).</summary>
    public void Save(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var header = new EstimatorHeader(Kind, ParameterCount, Shape.Layout, Shape.Rows, Shape.Columns, OptionsJson,
            State.Prior is null ? null : PriorDescription.Describe(State.Prior), State.Parameters, State.Data, State.Training);
        AfinFileFormat.Write(destination, AfinFileKind.SimulationModel, JsonSerializer.Serialize(header, SimulationJson.Options), [("weights", ModuleWeights.Save(Network))]);
    }

    /// <summary>Reads an estimator file of any kind.</summary>
    /// <param name="path">The file.</param>
    /// <param name="prior">The prior, required when it was a custom one (files record only built-in priors); overrides the recorded one otherwise.</param>
    /// <param name="customSummary">The summary network factory, required when the estimator was trained with a custom one.</param>
    /// <exception cref="InvalidDataException">The file is truncated, corrupt, of another version or not an estimator; the message says which.</exception>
    public static SimulationEstimator Load(string path, IParameterPrior? prior = null, Func<DataShape, nn.Module<Tensor, Tensor>>? customSummary = null)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"estimator file '{path}' does not exist", path);
        }
        return FromBytes(File.ReadAllBytes(path), path, prior, customSummary);
    }

    /// <summary>Reads an estimator written by <see cref="Save(Stream)"/>.</summary>
    public static SimulationEstimator Load(Stream source, IParameterPrior? prior = null, Func<DataShape, nn.Module<Tensor, Tensor>>? customSummary = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var memory = new MemoryStream();
        source.CopyTo(memory);
        return FromBytes(memory.ToArray(), "estimator stream", prior, customSummary);
    }

    private static SimulationEstimator FromBytes(byte[] bytes, string source, IParameterPrior? prior, Func<DataShape, nn.Module<Tensor, Tensor>>? customSummary)
    {
        var content = AfinFileFormat.Read(bytes, AfinFileKind.SimulationModel, source);
        var header = JsonSerializer.Deserialize<EstimatorHeader>(content.HeaderJson, SimulationJson.Options)
            ?? throw new InvalidDataException($"{source}: corrupt: empty header");
        var shape = header.Layout switch
        {
            DataLayout.Grid => DataShape.Grid(header.Rows, header.Columns),
            DataLayout.Replicates => DataShape.Replicates(header.Rows, header.Columns),
            _ => DataShape.Vector(header.Columns),
        };
        if (prior is not null && prior.Dimension != header.ParameterCount)
        {
            throw new ArgumentException($"the prior has {prior.Dimension} parameters; the estimator in {source} has {header.ParameterCount}", nameof(prior));
        }
        var state = new EstimatorState(header.Kind, header.ParameterCount, shape, prior ?? header.Prior?.ToPrior(), header.Parameters, header.Data, header.Training);
        SimulationEstimator estimator = header.Kind switch
        {
            EstimatorKind.NeuralBayes => NeuralBayesEstimator.Restore(state, header.OptionsJson, customSummary),
            EstimatorKind.NeuralPosterior => NeuralPosteriorEstimator.Restore(state, header.OptionsJson, customSummary),
            _ => NeuralRatioEstimator.Restore(state, header.OptionsJson, customSummary),
        };
        ModuleWeights.Load(estimator.Network, content.Section("weights", source), source);
        estimator.Network.eval();
        return estimator;
    }

    /// <summary>Options JSON with the custom factory restored (it is never saved).</summary>
    private protected static T ReadOptions<T>(string json, Func<T, SummaryNetworkOptions> summary, Func<T, SummaryNetworkOptions, T> withSummary,
        Func<DataShape, nn.Module<Tensor, Tensor>>? customSummary) where T : class
    {
        var options = JsonSerializer.Deserialize<T>(json, SimulationJson.Options) ?? throw new InvalidDataException("corrupt: empty estimator options");
        var s = summary(options);
        if (s.Kind == SummaryNetworkKind.Custom && customSummary is null)
        {
            throw new InvalidOperationException("this estimator was trained with a custom summary network; pass the same factory as customSummary to Load");
        }
        return customSummary is null ? options : withSummary(options, s with { CustomFactory = customSummary });
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Network.Dispose();
        GC.SuppressFinalize(this);
    }

    private sealed record EstimatorHeader(EstimatorKind Kind, int ParameterCount, DataLayout Layout, int Rows, int Columns, string OptionsJson,
        PriorDescription? Prior, ParameterScaling Parameters, DataScaling Data, SimulationTrainingSummary Training);
}
