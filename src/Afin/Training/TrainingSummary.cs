namespace Afin.Training;

/// <summary>What a model's training did: steps, time, and its last validation scores.</summary>
public sealed record TrainingSummary
{
    /// <summary>Optimiser steps taken.</summary>
    public int Steps { get; init; }

    /// <summary>Wall-clock training time in seconds, summed over resumed runs.</summary>
    public double WallSeconds { get; init; }

    /// <summary>The seed of the run.</summary>
    public int Seed { get; init; }

    /// <summary>The training options used.</summary>
    public TrainingOptions? Options { get; init; }

    /// <summary>The last validation scores on held-out conjugate problems, or null before the first validation.</summary>
    public ValidationScores? Validation { get; init; }
}
