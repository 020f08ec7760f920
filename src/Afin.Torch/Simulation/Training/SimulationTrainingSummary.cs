namespace Afin.Simulation.Training;

/// <summary>How an estimator was trained; saved with it.</summary>
/// <param name="Epochs">Epochs run.</param>
/// <param name="BestEpoch">The epoch whose weights were kept.</param>
/// <param name="BestValidationLoss">Its validation loss.</param>
/// <param name="StoppedEarly">Whether early stopping ended training before the epoch limit.</param>
/// <param name="TrainingSimulations">Simulations per training epoch.</param>
/// <param name="WallSeconds">Training wall time summed over resumed runs (simulating the sets is not included).</param>
/// <param name="Seed">The seed.</param>
public sealed record SimulationTrainingSummary(int Epochs, int BestEpoch, double BestValidationLoss, bool StoppedEarly, int TrainingSimulations, double WallSeconds, int Seed);
