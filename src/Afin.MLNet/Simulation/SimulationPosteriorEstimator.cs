using Afin.MLNet.Persistence;
using Afin.Simulation.Estimators;
using Afin.Simulation.Training;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace Afin.MLNet.Simulation;

/// <summary>
/// Estimator of <see cref="SimulationPosteriorTransformer"/>. Fit binds <see cref="SimulationPosteriorOptions.Estimator"/> or
/// <see cref="SimulationPosteriorOptions.EstimatorPath"/>; without either it trains <see cref="SimulationPosteriorOptions.Method"/>
/// on simulations from <see cref="SimulationPosteriorOptions.Prior"/> and <see cref="SimulationPosteriorOptions.Simulator"/>
/// (amortized training needs no labelled rows: the data view supplies only the schema).
/// </summary>
public sealed class SimulationPosteriorEstimator : IEstimator<SimulationPosteriorTransformer>
{
    private readonly IHostEnvironment? _environment;

    internal SimulationPosteriorEstimator(IHostEnvironment? environment, SimulationPosteriorOptions options)
    {
        _environment = environment;
        Options = options;
    }

    /// <summary>The options.</summary>
    public SimulationPosteriorOptions Options { get; }

    /// <summary>Checks the data column's name and type and returns the output shape.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The data column is missing or not a float or double vector; the message names it.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        if (!inputSchema.TryFindColumn(Options.InputColumnName, out var column))
        {
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"SimulationPosterior: input column '{Options.InputColumnName}' not found; expected a float vector (one data set per row)");
        }
        if (column.Kind == SchemaShape.Column.VectorKind.Scalar || (column.ItemType != Microsoft.ML.Data.NumberDataViewType.Single && column.ItemType != Microsoft.ML.Data.NumberDataViewType.Double))
        {
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"SimulationPosterior: schema mismatch for input column '{Options.InputColumnName}': expected a float or double vector, got {column.ItemType}");
        }
        var columns = inputSchema.ToDictionary(c => c.Name);
        foreach (var (name, type, _) in SimulationBatchMapping.Columns(Options, 0))
        {
            columns[name] = MLNetInternalAccess.ShapeColumn(name, type);
        }
        return new SchemaShape(columns.Values);
    }

    /// <summary>Binds or trains the estimator (see the class remarks) and checks the input schema against it.</summary>
    public SimulationPosteriorTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Options.ValidateSource();
        var (estimator, owns) = Options.Estimator is { } given ? (given, false)
            : Options.EstimatorPath is { } path ? (SimulationEstimator.Load(path, Options.Prior), true)
            : (Train(), true);
        try
        {
            SimulationBatchMapping.BindInput(input.Schema, Options.InputColumnName, estimator.Shape.Size);
            return new SimulationPosteriorTransformer(estimator, owns, Options);
        }
        catch when (owns)
        {
            estimator.Dispose();
            throw;
        }
    }

    private SimulationEstimator Train()
    {
        using var channel = _environment?.Start("SimulationPosterior");
        var training = Options.Training ?? new SimulationTrainingOptions();
        channel?.Info(MessageSensitivity.None, $"SimulationPosterior: training {Options.Method} on {training.TrainingSimulations} simulations ({training.ValidationSimulations} for validation), at most {training.Epochs} epochs");
        var progress = new LoggingProgress(Options.Progress, channel);
        return Options.Method switch
        {
            EstimatorKind.NeuralBayes => NeuralBayesEstimator.Train(Options.Prior!, Options.Simulator!, null, training, progress),
            EstimatorKind.NeuralRatio => NeuralRatioEstimator.Train(Options.Prior!, Options.Simulator!, null, training, progress),
            _ => NeuralPosteriorEstimator.Train(Options.Prior!, Options.Simulator!, null, training, progress),
        };
    }

    /// <summary>Forwards epoch reports to the caller's progress and to the MLContext log.</summary>
    private sealed class LoggingProgress(IProgress<SimulationTrainingProgress>? inner, IChannel? channel) : IProgress<SimulationTrainingProgress>
    {
        public void Report(SimulationTrainingProgress value)
        {
            inner?.Report(value);
            channel?.Info(MessageSensitivity.None, $"SimulationPosterior: epoch {value.Epoch}/{value.MaxEpochs}: training loss {value.TrainingLoss:F4}, validation loss {value.ValidationLoss:F4} (best {value.BestValidationLoss:F4})");
        }
    }
}
