using System.Diagnostics;
using System.Text.Json;
using Afin.Persistence;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Afin.Simulation.Training;

/// <summary>
/// The training loop every simulation-based estimator shares: Adam over shuffled mini-batches, a validation loss after
/// each epoch, early stopping that keeps the best weights, progress reports, cancellation between batches and a
/// checkpoint after each epoch that a later run resumes exactly (batch order and on-the-fly simulations derive from
/// (seed, epoch), never from a stream that would need saving).
/// </summary>
internal sealed class SimulationTrainer
{
    /// <summary>The loss of one batch (a scalar tensor); <c>training</c> is false for validation.</summary>
    internal delegate Tensor BatchLoss(Tensor parameters, Tensor data, bool training);

    private readonly nn.Module _module;
    private readonly BatchLoss _loss;
    private readonly SimulationTrainingOptions _options;
    private readonly string _configuration;

    /// <param name="module">The network (all its parameters are trained).</param>
    /// <param name="loss">The estimator's loss.</param>
    /// <param name="options">Training options.</param>
    /// <param name="configuration">The estimator's configuration as JSON; a checkpoint of another configuration is refused.</param>
    internal SimulationTrainer(nn.Module module, BatchLoss loss, SimulationTrainingOptions options, string configuration)
    {
        _module = module;
        _loss = loss;
        _options = options;
        _configuration = configuration;
    }

    /// <summary>Trains; <paramref name="trainingSet"/> gives the tensors of an epoch (the same each time unless simulating on the fly).</summary>
    internal SimulationTrainingSummary Train(Func<int, TrainingTensors> trainingSet, TrainingTensors validation, IProgress<SimulationTrainingProgress>? progress, CancellationToken cancellation)
    {
        var state = new TrainingState();
        using var optimizer = optim.Adam(_module.parameters(), _options.LearningRate);
        if (_options.CheckpointPath is string path && File.Exists(path))
        {
            state = Resume(path, optimizer);
        }
        var clock = Stopwatch.StartNew();
        while (state.Epoch < _options.Epochs && state.SinceBest < _options.Patience)
        {
            double trainingLoss = RunEpoch(trainingSet(state.Epoch), state.Epoch, optimizer, cancellation);
            double validationLoss = Validate(validation);
            state = state.After(validationLoss, _module, state.Elapsed + clock.Elapsed.TotalSeconds);
            clock.Restart();
            if (_options.CheckpointPath is string checkpoint)
            {
                SaveCheckpoint(checkpoint, state, optimizer);
            }
            progress?.Report(new SimulationTrainingProgress(state.Epoch, _options.Epochs, trainingLoss, validationLoss, state.BestLoss, state.SinceBest, state.Elapsed));
        }
        ModuleWeights.Load(_module, state.BestWeights!, "best weights");
        _module.eval();
        return new SimulationTrainingSummary(state.Epoch, state.BestEpoch, state.BestLoss, state.Epoch < _options.Epochs, 0, state.Elapsed, _options.Seed);
    }

    private double RunEpoch(TrainingTensors set, int epoch, OptimizerHelper optimizer, CancellationToken cancellation)
    {
        _module.train();
        using var generator = new Generator((ulong)SimulationSeeds.Stream(_options.Seed, 1_000_000 + epoch).NextInt64());
        using var order = randperm(set.Count, generator: generator);
        double total = 0;
        int batches = 0;
        for (long start = 0; start + 1 < set.Count; start += _options.BatchSize)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var index = order.narrow(0, start, Math.Min(_options.BatchSize, set.Count - start));
            optimizer.zero_grad();
            var loss = _loss(set.Parameters.index_select(0, index), set.Data.index_select(0, index), true);
            loss.backward();
            optimizer.step();
            total += loss.item<float>();
            batches++;
        }
        return total / batches;
    }

    private double Validate(TrainingTensors validation)
    {
        _module.eval();
        using var noGrad = no_grad();
        double total = 0;
        long seen = 0;
        const int chunk = 1024;
        for (long start = 0; start < validation.Count; start += chunk)
        {
            using var scope = NewDisposeScope();
            long n = Math.Min(chunk, validation.Count - start);
            if (validation.Count - start - n == 1)
            {
                // Never leave a chunk of one: ratio estimation pairs each simulation with its neighbour in the chunk.
                n++;
            }
            var loss = _loss(validation.Parameters.narrow(0, start, n), validation.Data.narrow(0, start, n), false);
            total += loss.item<float>() * n;
            seen += n;
        }
        double mean = total / seen;
        if (!double.IsFinite(mean))
        {
            throw new InvalidOperationException($"the validation loss became {mean}; lower SimulationTrainingOptions.LearningRate (now {_options.LearningRate})");
        }
        return mean;
    }

    private void SaveCheckpoint(string path, TrainingState state, OptimizerHelper optimizer)
    {
        using var optimizerState = new MemoryStream();
        using (var writer = new BinaryWriter(optimizerState, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            optimizer.save_state_dict(writer);
        }
        var header = new CheckpointHeader(_configuration, _options.Seed, state.Epoch, state.BestEpoch, state.BestLoss, state.SinceBest, state.Elapsed);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.Write(path, file => AfinFileFormat.Write(file, AfinFileKind.SimulationCheckpoint, JsonSerializer.Serialize(header, SimulationJson.Options),
                [("weights", ModuleWeights.Save(_module)), ("best", state.BestWeights!), ("optimizer", optimizerState.ToArray())]));
    }

    private TrainingState Resume(string path, OptimizerHelper optimizer)
    {
        var content = AfinFileFormat.Read(File.ReadAllBytes(path), AfinFileKind.SimulationCheckpoint, path);
        var header = JsonSerializer.Deserialize<CheckpointHeader>(content.HeaderJson, SimulationJson.Options)
            ?? throw new InvalidDataException($"{path}: corrupt: empty header");
        if (header.Configuration != _configuration || header.Seed != _options.Seed)
        {
            throw new InvalidOperationException($"{path} is a checkpoint of another estimator, training set or training settings (seed, batch size, learning rate); delete it or choose another CheckpointPath");
        }
        ModuleWeights.Load(_module, content.Section("weights", path), path);
        using (var reader = new BinaryReader(new MemoryStream(content.Section("optimizer", path))))
        {
            optimizer.load_state_dict(reader);
        }
        return new TrainingState(header.Epoch, header.BestEpoch, header.BestLoss, header.SinceBest, header.Elapsed, content.Section("best", path));
    }

    private sealed record CheckpointHeader(string Configuration, int Seed, int Epoch, int BestEpoch, double BestLoss, int SinceBest, double Elapsed);

    /// <summary>Where training stands: epochs done, the best validation loss and its weights.</summary>
    private sealed record TrainingState(int Epoch = 0, int BestEpoch = 0, double BestLoss = double.PositiveInfinity, int SinceBest = 0, double Elapsed = 0, byte[]? BestWeights = null)
    {
        internal TrainingState After(double validationLoss, nn.Module module, double elapsed) =>
            validationLoss < BestLoss
                ? new TrainingState(Epoch + 1, Epoch + 1, validationLoss, 0, elapsed, ModuleWeights.Save(module))
                : this with { Epoch = Epoch + 1, SinceBest = SinceBest + 1, Elapsed = elapsed };
    }
}
