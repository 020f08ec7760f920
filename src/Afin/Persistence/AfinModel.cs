using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Afin.Engine;
using Afin.Modelling;
using Afin.Network;
using Afin.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Afin.Persistence;

/// <summary>
/// A trained AFIN: the network, the task distribution it was trained on (so inference can say
/// whether a problem lies inside its training range) and a summary of its training. Saved as one
/// versioned, hashed file.
/// </summary>
public sealed class AfinModel : IDisposable
{
    /// <summary>The file name of the model shipped inside this library.</summary>
    public const string DefaultModelName = "afin-default.afin";

    internal static readonly JsonSerializerOptions HeaderJson = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly object _engineLock = new();
    private ManagedAfinNetwork? _managed;

    /// <summary>The state-dict bytes the network was loaded from, read by the managed engine until the weights may have changed.</summary>
    private byte[]? _loadedWeights;

    /// <summary>
    /// Wraps a network with the distribution it was trained on. <see cref="Engine"/> starts as
    /// <see cref="InferenceEngine.Managed"/> for a float32 network on the CPU, else <see cref="InferenceEngine.TorchSharp"/>.
    /// </summary>
    public AfinModel(AfinNetwork network, TaskDistribution tasks, TrainingSummary? training = null)
    {
        Network = network ?? throw new ArgumentNullException(nameof(network));
        Tasks = tasks ?? throw new ArgumentNullException(nameof(tasks));
        Training = training ?? new TrainingSummary();
        Engine = network.Device.type == DeviceType.CPU && network.ParameterType == torch.ScalarType.Float32 ? InferenceEngine.Managed : InferenceEngine.TorchSharp;
    }

    /// <summary>The network (the TorchSharp modules that training and fine-tuning update).</summary>
    /// <remarks>
    /// The managed engine is built from the network's weights on first use. Code that changes the weights or the flow
    /// strength of a model's network in place must call <see cref="RefreshInferenceEngine"/> afterwards; training and
    /// fine-tuning never do so (they return a new model).
    /// </remarks>
    public AfinNetwork Network { get; }

    /// <summary>
    /// Which engine <see cref="Infer(BayesianProblem)"/> runs: <see cref="InferenceEngine.Managed"/> by default,
    /// <see cref="InferenceEngine.TorchSharp"/> to run the network's own forward pass (see <see cref="InferenceEngine"/>).
    /// </summary>
    /// <exception cref="ArgumentException">Managed is asked for a network on a GPU or not in float32.</exception>
    public InferenceEngine Engine
    {
        get => _engine;
        set
        {
            if (!Enum.IsDefined(value))
            {
                throw new ArgumentException($"{nameof(Engine)} has the undefined value {(int)value}.", nameof(value));
            }
            if (value == InferenceEngine.Managed && (Network.Device.type != DeviceType.CPU || Network.ParameterType != torch.ScalarType.Float32))
            {
                throw new ArgumentException($"the managed engine runs float32 networks on the CPU; this network is {Network.ParameterType} on {Network.Device.type}", nameof(value));
            }
            _engine = value;
        }
    }

    private InferenceEngine _engine;

    /// <summary>Rebuilds the managed engine from the network's current weights and flow strength (after they were changed in place).</summary>
    public void RefreshInferenceEngine()
    {
        lock (_engineLock)
        {
            _loadedWeights = null;
            _managed = null;
        }
    }

    /// <summary>The managed engine of this model, built from its weights on first use.</summary>
    internal ManagedAfinNetwork ManagedNetwork
    {
        get
        {
            var built = Volatile.Read(ref _managed);
            if (built is not null)
            {
                return built;
            }
            lock (_engineLock)
            {
                _managed ??= ManagedAfinNetwork.FromStateDict(Network.Options, _loadedWeights ?? WeightBytes(Network), "model weights", Network.FlowStrength);
                return _managed;
            }
        }
    }

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

    /// <summary>
    /// Posteriors for many problems, in order, on <see cref="Engine"/> (for the TorchSharp engine in batched forward
    /// passes, see <see cref="AfinNetwork.Infer"/>). Thread-safe; the managed engine runs concurrent calls in parallel.
    /// </summary>
    /// <exception cref="NotSupportedException">A problem has a prior or likelihood family the network has no adapter for.</exception>
    public IReadOnlyList<AfinPosterior> Infer(IReadOnlyList<BayesianProblem> problems) => Infer(problems, DefaultBatchSize);

    /// <summary>
    /// As <see cref="Infer(IReadOnlyList{BayesianProblem})"/>, with at most <paramref name="maxBatchSize"/> problems per
    /// forward pass (the managed engine runs every problem as its own pass, which always satisfies it).
    /// </summary>
    public IReadOnlyList<AfinPosterior> Infer(IReadOnlyList<BayesianProblem> problems, int maxBatchSize)
    {
        ArgumentNullException.ThrowIfNull(problems);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        if (Engine == InferenceEngine.Managed)
        {
            return ManagedNetwork.Infer(problems);
        }
        lock (_engineLock)
        {
            return Network.Infer(problems, maxBatchSize);
        }
    }

    /// <summary>The posterior of one problem, on <see cref="Engine"/>. Thread-safe.</summary>
    /// <exception cref="NotSupportedException">The problem has a prior or likelihood family the network has no adapter for.</exception>
    public AfinPosterior Infer(BayesianProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (Engine == InferenceEngine.Managed)
        {
            return ManagedNetwork.Infer(problem);
        }
        lock (_engineLock)
        {
            return Network.Infer([problem])[0];
        }
    }

    /// <summary>The TorchSharp engine's default largest batch (<see cref="AfinNetwork.Infer"/>'s).</summary>
    private const int DefaultBatchSize = 256;

    /// <summary>Writes the model file (atomically: a failed write leaves any previous file intact).</summary>
    public void Save(string path)
    {
        AtomicFile.Write(path, Save);
    }

    /// <summary>Writes the model, in the model file format, to a stream (for containers such as an ML.NET model zip).</summary>
    public void Save(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var header = new ModelHeader(Network.Options, Tasks, Training, RangeBounds);
        AfinFileFormat.Write(destination, AfinFileKind.Model, JsonSerializer.Serialize(header, HeaderJson), [("weights", WeightBytes(Network))]);
    }

    /// <summary>Reads a model written by <see cref="Save(Stream)"/> (or a model file's bytes) from a stream.</summary>
    /// <exception cref="InvalidDataException">The content is truncated, corrupt, of another version or not a model; the message says which.</exception>
    public static AfinModel Load(Stream source, torch.Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var memory = new MemoryStream();
        source.CopyTo(memory);
        return FromBytes(memory.ToArray(), "model stream", device);
    }

    /// <summary>Reads a model file.</summary>
    /// <exception cref="InvalidDataException">The file is truncated, corrupt, of another version or not a model file; the message says which.</exception>
    public static AfinModel Load(string path, torch.Device? device = null)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"model file '{path}' does not exist", path);
        }
        return FromBytes(File.ReadAllBytes(path), path, device);
    }

    /// <summary>The file name of the earlier default model, faithful architecture in the problems' own coordinates, still shipped inside this library.</summary>
    public const string FaithfulModelName = "afin-faithful.afin";

    /// <summary>
    /// Loads the default model shipped inside the library (no download, no training): a pooled network in Laplace
    /// coordinates (<see cref="Canonical.LatentCoordinates.Full"/>), at least as accurate as the Laplace approximation on
    /// realistic regressions (docs/models.md).
    /// </summary>
    public static AfinModel LoadDefault(torch.Device? device = null) => LoadEmbedded(DefaultModelName, device);

    /// <summary>
    /// Loads the model of <paramref name="architecture"/> shipped inside the library: Pooled is the default model;
    /// Faithful is the earlier default (one token per site, the problems' own coordinates), kept for comparison and for
    /// configurations that name it: on realistic regressions it is about 40x less accurate than the default (docs/benchmarks.md).
    /// </summary>
    public static AfinModel LoadDefault(AfinArchitecture architecture, torch.Device? device = null) => architecture switch
    {
        AfinArchitecture.Faithful => LoadEmbedded(FaithfulModelName, device),
        AfinArchitecture.Pooled => LoadEmbedded(DefaultModelName, device),
        _ => throw new ArgumentOutOfRangeException(nameof(architecture), architecture, "no model of this architecture is shipped"),
    };

    private static AfinModel LoadEmbedded(string name, torch.Device? device)
    {
        var assembly = typeof(AfinModel).Assembly;
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"the shipped model {name} is not embedded in {assembly.GetName().Name}");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return FromBytes(memory.ToArray(), $"embedded {name}", device);
    }

    internal static AfinModel FromBytes(byte[] bytes, string source, torch.Device? device)
    {
        var content = AfinFileFormat.Read(bytes, AfinFileKind.Model, source);
        var header = JsonSerializer.Deserialize<ModelHeader>(content.HeaderJson, HeaderJson)
            ?? throw new InvalidDataException($"{source}: corrupt: empty header");
        var network = new AfinNetwork(header.Network, device);
        var weights = content.Section("weights", source);
        LoadWeights(network, weights, source);
        network.eval();
        return new AfinModel(network, header.Tasks, header.Training) { _bounds = header.Bounds, _loadedWeights = weights };
    }

    internal static byte[] WeightBytes(torch.nn.Module module)
    {
        using var memory = new MemoryStream();
        module.save(memory);
        return memory.ToArray();
    }

    internal static void LoadWeights(torch.nn.Module module, byte[] bytes, string source)
    {
        try
        {
            using var memory = new MemoryStream(bytes);
            module.load(memory);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or KeyNotFoundException)
        {
            throw new InvalidDataException($"{source}: corrupt: the weights do not match the recorded configuration ({e.Message})", e);
        }
    }

    /// <inheritdoc />
    public void Dispose() => Network.Dispose();

    /// <summary>The model file's header; <paramref name="Bounds"/> is absent from files written before it was recorded.</summary>
    private sealed record ModelHeader(AfinNetworkOptions Network, TaskDistribution Tasks, TrainingSummary Training, StatisticBounds? Bounds = null);
}
