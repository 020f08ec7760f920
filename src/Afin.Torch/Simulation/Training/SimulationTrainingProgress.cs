namespace Afin.Simulation.Training;

/// <summary>A report after each training epoch.</summary>
/// <param name="Epoch">Epochs completed.</param>
/// <param name="MaxEpochs">The epoch limit.</param>
/// <param name="TrainingLoss">Mean training loss of the epoch.</param>
/// <param name="ValidationLoss">Loss on the validation set after the epoch.</param>
/// <param name="BestValidationLoss">The best validation loss so far (its weights are the ones kept).</param>
/// <param name="EpochsWithoutImprovement">Epochs since the best; training stops at the patience.</param>
/// <param name="ElapsedSeconds">Training wall time so far.</param>
public sealed record SimulationTrainingProgress(int Epoch, int MaxEpochs, double TrainingLoss, double ValidationLoss, double BestValidationLoss, int EpochsWithoutImprovement, double ElapsedSeconds);
