namespace Afin.Training;

/// <summary>A progress report from <c>AfinTrainer</c>.</summary>
/// <param name="Step">Steps completed.</param>
/// <param name="TotalSteps">Steps planned.</param>
/// <param name="Loss">Mean training loss (-log q(z0) / d) since the previous report.</param>
/// <param name="StepsPerSecond">Throughput since the previous report.</param>
/// <param name="LearningRate">The current learning rate.</param>
/// <param name="Validation">Scores when this report follows a validation, else null.</param>
/// <param name="SkippedSteps">Steps skipped so far because their numerics failed.</param>
/// <param name="ReferenceValidation">Scores on <c>AfinTrainer.ReferenceProblems</c> when this report follows a validation and there are some, else null.</param>
public sealed record TrainingProgress(int Step, int TotalSteps, double Loss, double StepsPerSecond, double LearningRate, ValidationScores? Validation, int SkippedSteps = 0,
    ValidationScores? ReferenceValidation = null)
{
    /// <summary>
    /// Scores on held-out simulated tasks when this report carries such a measurement, else null: fine-tuning on the
    /// user's own problems (ML.NET's Fit) reports one before training, at step 0, and one after, at the last step.
    /// </summary>
    public HeldOutScores? HeldOut { get; init; }

    /// <summary>Tasks left out so far because their Laplace frame was broken (<c>AfinTrainer.DiscardedTasks</c>).</summary>
    public int DiscardedTasks { get; init; }
}
