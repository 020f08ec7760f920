namespace Afin.Simulation.Training;

/// <summary>How a simulation-based estimator is trained. The defaults follow the review's benchmark (16,000 training and 2,000 validation simulations).</summary>
public sealed record SimulationTrainingOptions
{
    /// <summary>Simulations in the training set (ignored when a stored training set is given).</summary>
    public int TrainingSimulations { get; init; } = 16_000;

    /// <summary>Simulations held out for validation (early stopping watches their loss).</summary>
    public int ValidationSimulations { get; init; } = 2_000;

    /// <summary>Draw a fresh training set every epoch ("simulation on the fly") instead of reusing one; the validation set stays fixed.</summary>
    public bool SimulateEachEpoch { get; init; }

    /// <summary>Maximum number of passes over the training set.</summary>
    public int Epochs { get; init; } = 100;

    /// <summary>Simulations per gradient step.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Adam's learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Stop after this many epochs without a better validation loss; the best weights are kept.</summary>
    public int Patience { get; init; } = 10;

    /// <summary>Seeds the initial weights, the simulations and the batch order: the same seed gives the same estimator.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Where to write a checkpoint after every epoch; an existing checkpoint there is resumed. Null: no checkpoints.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Checks every field; the message names the field and what was expected.</summary>
    public void Validate()
    {
        Require(TrainingSimulations >= 2, nameof(TrainingSimulations), TrainingSimulations, "at least 2");
        Require(ValidationSimulations >= 2, nameof(ValidationSimulations), ValidationSimulations, "at least 2 (ratio estimation pairs validation simulations)");
        Require(Epochs >= 1, nameof(Epochs), Epochs, "at least 1");
        Require(BatchSize >= 2, nameof(BatchSize), BatchSize, "at least 2 (ratio estimation pairs simulations within a batch)");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "a positive number");
        Require(Patience >= 1, nameof(Patience), Patience, "at least 1");
    }

    private static void Require(bool condition, string field, object value, string expected) =>
        OptionCheck.Require(condition, nameof(SimulationTrainingOptions), field, value, expected);
}
