namespace Afin.Training;

/// <summary>
/// Where a training run gets its tasks: <c>AfinTrainer</c> asks for one micro-batch at a time. A run from a
/// <see cref="TaskDistribution"/> draws with <see cref="TaskSampler"/>; fine-tuning on a user's own problems draws with
/// <see cref="DesignTaskSource"/>.
/// </summary>
public interface ITrainingTaskSource
{
    /// <summary>
    /// <paramref name="count"/> tasks of one dimension d (a micro-batch). The same <paramref name="seed"/> must give the
    /// same tasks, so that a run is reproducible.
    /// </summary>
    IReadOnlyList<SimulatedTask> SampleBatch(int count, int seed);
}
