using System.Text.Json;
using System.Text.Json.Serialization;
using Afin.Engine;
using Afin.Modelling;
using Afin.Network;
using Afin.Training;

namespace Afin.Persistence;

/// <summary>
/// A trained AFIN: the network's weights and configuration, the task distribution it was trained on (so inference can
/// say whether a problem lies inside its training range) and a summary of its training. Saved as one versioned, hashed
/// file. Inference runs on the managed engine in plain .NET code: loading a model and computing
/// posteriors never loads libtorch. Training and fine-tuning (the Afin.Torch package) turn a model into a TorchSharp
/// network and back.
/// </summary>
public sealed class AfinModel
{
    /// <summary>The file name of the model shipped inside this library.</summary>
    public const string DefaultModelName = "afin-default.afin";

    internal static readonly JsonSerializerOptions HeaderJson = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly ManagedAfinNetwork _engine;

    /// <summary>
    /// A model from a network's configuration and its weights in TorchSharp's state-dict format, checked and read into
    /// the managed engine at once, so that weights that do not match the configuration never make a half-usable model.
    /// </summary>
    /// <exception cref="InvalidDataException">A parameter the configuration needs is missing or has another shape.</exception>
    internal AfinModel(AfinNetworkOptions options, byte[] weights, TaskDistribution tasks, TrainingSummary? training = null,
        StatisticBounds? bounds = null, double flowStrength = 1.0, string source = "model weights")
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
        Weights = weights ?? throw new ArgumentNullException(nameof(weights));
        Tasks = tasks ?? throw new ArgumentNullException(nameof(tasks));
        Training = training ?? new TrainingSummary();
        _bounds = bounds;
        var weightSet = StateDictReader.Read(weights, source);
        ParameterCount = weightSet.ParameterCount;
        _engine = new ManagedAfinNetwork(options, weightSet, flowStrength);
    }

    /// <summary>The number of parameters, including those of the decoder the posterior family does not use.</summary>
    public long ParameterCount { get; }

    /// <summary>The network's architecture, sizes, posterior family and coordinates.</summary>
    public AfinNetworkOptions Options { get; }

    /// <summary>The weights, in TorchSharp's state-dict format (the model file's one source of weights).</summary>
    internal byte[] Weights { get; }

    /// <summary>The flow strength s of the network the weights came from (1 for every model read from a file).</summary>
    internal double FlowStrength => _engine.FlowStrength;

    /// <summary>The managed engine that runs this model's forward pass.</summary>
    internal ManagedAfinNetwork ManagedNetwork => _engine;

    /// <summary>The same network and training summary with another recorded training range (<paramref name="tasks"/>).</summary>
    internal AfinModel WithTasks(TaskDistribution tasks) => new(Options, Weights, tasks, Training, bounds: null, FlowStrength);

    /// <summary>The distribution of simulated tasks the network was trained on.</summary>
    public TaskDistribution Tasks { get; }

    /// <summary>How the network was trained: steps, wall time, validation scores.</summary>
    public TrainingSummary Training { get; }

    /// <summary>
    /// How far the canonical statistics of the training tasks reach (see <see cref="StatisticBounds"/>): read from the
    /// model file, or measured on first use for a file written before they were recorded.
    /// </summary>
    internal StatisticBounds RangeBounds => _bounds ??= StatisticBounds.Measure(Tasks);

    private StatisticBounds? _bounds;

    /// <summary>Whether a problem lies inside the training range (dimension, number of sites, families).</summary>
    public bool Covers(BayesianProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return Tasks.Covers(problem.Dimension, problem.ObservationCount, problem.Prior.Family, problem.Blocks.Select(b => b.Family));
    }

    /// <summary>Posteriors for many problems, in order. Thread-safe; from 8 problems on, they are spread over the cores.</summary>
    /// <exception cref="NotSupportedException">A problem has a prior or likelihood family the network has no adapter for.</exception>
    public IReadOnlyList<AfinPosterior> Infer(IReadOnlyList<BayesianProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return _engine.Infer(problems);
    }

    /// <summary>The posterior of one problem. Thread-safe: concurrent calls on one model run in parallel.</summary>
    /// <exception cref="NotSupportedException">The problem has a prior or likelihood family the network has no adapter for.</exception>
    public AfinPosterior Infer(BayesianProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return _engine.Infer(problem);
    }

    /// <summary>Writes the model file (atomically: a failed write leaves any previous file intact).</summary>
    public void Save(string path)
    {
        AtomicFile.Write(path, Save);
    }

    /// <summary>Writes the model, in the model file format, to a stream (for containers such as an ML.NET model zip).</summary>
    public void Save(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var header = new ModelHeader(Options, Tasks, Training, RangeBounds);
        AfinFileFormat.Write(destination, AfinFileKind.Model, JsonSerializer.Serialize(header, ModelHeaderJson.Default.ModelHeader), [("weights", Weights)]);
    }

    /// <summary>Reads a model written by <see cref="Save(Stream)"/> (or a model file's bytes) from a stream.</summary>
    /// <exception cref="InvalidDataException">The content is truncated, corrupt, of another version or not a model; the message says which.</exception>
    public static AfinModel Load(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var memory = new MemoryStream();
        source.CopyTo(memory);
        return FromBytes(memory.ToArray(), "model stream");
    }

    /// <summary>Reads a model file.</summary>
    /// <exception cref="InvalidDataException">The file is truncated, corrupt, of another version or not a model file; the message says which.</exception>
    public static AfinModel Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"model file '{path}' does not exist", path);
        }
        return FromBytes(File.ReadAllBytes(path), path);
    }

    /// <summary>The file name of the earlier default model, faithful architecture in the problems' own coordinates, still shipped inside this library.</summary>
    public const string FaithfulModelName = "afin-faithful.afin";

    /// <summary>
    /// Loads the default model shipped inside the library (no download, no training): a pooled network in Laplace
    /// coordinates (<see cref="Canonical.LatentCoordinates.Full"/>), at least as accurate as the Laplace approximation on
    /// realistic regressions (docs/models.md).
    /// </summary>
    public static AfinModel LoadDefault() => LoadEmbedded(DefaultModelName);

    /// <summary>
    /// Loads the model of <paramref name="architecture"/> shipped inside the library: Pooled is the default model;
    /// Faithful is the earlier default (one token per site, the problems' own coordinates), kept for comparison and for
    /// configurations that name it: on realistic regressions it is about 40x less accurate than the default (docs/benchmarks.md).
    /// </summary>
    public static AfinModel LoadDefault(AfinArchitecture architecture) => architecture switch
    {
        AfinArchitecture.Faithful => LoadEmbedded(FaithfulModelName),
        AfinArchitecture.Pooled => LoadEmbedded(DefaultModelName),
        _ => throw new ArgumentOutOfRangeException(nameof(architecture), architecture, "no model of this architecture is shipped"),
    };

    private static AfinModel LoadEmbedded(string name)
    {
        var assembly = typeof(AfinModel).Assembly;
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"the shipped model {name} is not embedded in {assembly.GetName().Name}");
        // The resource's length is known: one read into an array of that size, not a growing MemoryStream's copies.
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return FromBytes(bytes, $"embedded {name}");
    }

    internal static AfinModel FromBytes(byte[] bytes, string source)
    {
        var content = AfinFileFormat.Read(bytes, AfinFileKind.Model, source);
        var header = JsonSerializer.Deserialize(content.HeaderJson, ModelHeaderJson.Default.ModelHeader)
            ?? throw new InvalidDataException($"{source}: corrupt: empty header");
        try
        {
            header.Network.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{source}: corrupt: the recorded network configuration is invalid ({e.Message})", e);
        }
        return new AfinModel(header.Network, content.Section("weights", source), header.Tasks, header.Training, header.Bounds, source: source);
    }

    /// <summary>The model file's header; <paramref name="Bounds"/> is absent from files written before it was recorded.</summary>
    internal sealed record ModelHeader(AfinNetworkOptions Network, TaskDistribution Tasks, TrainingSummary Training, StatisticBounds? Bounds = null);
}
