namespace Afin.Training;

/// <summary>How to train an AFIN: optimiser, schedule, batch, validation and checkpoint cadence.</summary>
public sealed record TrainingOptions
{
    /// <summary>Optimiser steps.</summary>
    public int Steps { get; init; } = 2000;

    /// <summary>Tasks per micro-batch (all share one d and N).</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Micro-batches per step, each with its own (d, N); their gradients are averaged.</summary>
    public int MicroBatches { get; init; } = 2;

    /// <summary>Peak learning rate of AdamW.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>AdamW weight decay.</summary>
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>
    /// The step at which the learning-rate schedule (warm-up, then cosine decay to <see cref="Steps"/>) begins: 0 for a
    /// run's first cycle; a warm restart (as in SGDR) of a resumed run sets it to the step it resumes from.
    /// </summary>
    public int CycleStart { get; init; }

    /// <summary>Steps of linear warm-up from 1% of the peak learning rate.</summary>
    public int WarmupSteps { get; init; } = 100;

    /// <summary>The cosine decay ends at this fraction of the peak learning rate.</summary>
    public double FinalLearningRateFraction { get; init; } = 0.1;

    /// <summary>Global gradient-norm clip.</summary>
    public double GradientClipNorm { get; init; } = 5.0;

    /// <summary>Decay of the exponential moving average of the weights (the EMA weights are the ones saved).</summary>
    public double EmaDecay { get; init; } = 0.995;

    /// <summary>Before this step the EMA simply copies the weights.</summary>
    public int EmaStartStep { get; init; } = 100;

    /// <summary>Steps over which the flow's strength ramps from 0 to 1 (flow family only).</summary>
    public int FlowWarmupSteps { get; init; } = 500;

    /// <summary>Validate every this many steps (0: only at the end).</summary>
    public int ValidationEvery { get; init; } = 250;

    /// <summary>Number of held-out conjugate validation problems.</summary>
    public int ValidationProblems { get; init; } = 48;

    /// <summary>Write a checkpoint every this many steps (0: only at the end and on cancellation).</summary>
    public int CheckpointEvery { get; init; } = 250;

    /// <summary>Seed of the weights and of the simulated tasks.</summary>
    public int Seed { get; init; }

    /// <summary><c>cpu</c>, <c>cuda</c> or <c>auto</c> (cuda when available).</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Checks every option; throws <see cref="ArgumentException"/> naming it.</summary>
    public void Validate()
    {
        Positive(nameof(Steps), Steps);
        Positive(nameof(BatchSize), BatchSize);
        Positive(nameof(MicroBatches), MicroBatches);
        if (!(LearningRate > 0))
        {
            throw new ArgumentException($"{nameof(LearningRate)}: expected > 0, got {LearningRate}");
        }
        if (!(EmaDecay >= 0 && EmaDecay < 1))
        {
            throw new ArgumentException($"{nameof(EmaDecay)}: expected in [0, 1), got {EmaDecay}");
        }
        if (WarmupSteps < 0 || ValidationEvery < 0 || CheckpointEvery < 0 || FlowWarmupSteps < 0 || EmaStartStep < 0)
        {
            throw new ArgumentException("WarmupSteps, ValidationEvery, CheckpointEvery, FlowWarmupSteps and EmaStartStep must be >= 0");
        }
        Positive(nameof(ValidationProblems), ValidationProblems);
        if (CycleStart < 0 || CycleStart >= Steps)
        {
            throw new ArgumentException($"{nameof(CycleStart)}: a learning-rate cycle must start at a step from 0 to below the last one " +
                $"({nameof(Steps)} = {Steps}), got {CycleStart}; a warm restart needs more steps than the run has made");
        }
        if (Device?.ToLowerInvariant() is not ("cpu" or "cuda" or "auto"))
        {
            throw new ArgumentException($"{nameof(Device)}: expected cpu, cuda or auto, got '{Device}'");
        }
    }

    /// <summary>
    /// The learning rate at a step: from <see cref="CycleStart"/>, linear warm-up from 1%, then cosine decay to the final
    /// fraction at <see cref="Steps"/>.
    /// </summary>
    public double LearningRateAt(int step)
    {
        int inCycle = Math.Max(0, step - CycleStart);
        if (inCycle < WarmupSteps)
        {
            return LearningRate * (0.01 + 0.99 * inCycle / Math.Max(1, WarmupSteps));
        }
        double progress = (double)(inCycle - WarmupSteps) / Math.Max(1, Steps - CycleStart - WarmupSteps);
        double floor = FinalLearningRateFraction * LearningRate;
        return floor + (LearningRate - floor) * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1, progress)));
    }

    private static void Positive(string name, int value)
    {
        if (value <= 0)
        {
            throw new ArgumentException($"{name}: expected a positive integer, got {value}");
        }
    }
}
