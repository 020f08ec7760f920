namespace Afin.Cli.Commands;

/// <summary>The task distributions <c>afin train --tasks</c> starts from.</summary>
internal enum TaskPreset
{
    /// <summary><c>new TaskDistribution()</c>: the synthetic design kinds the shipped model was trained on.</summary>
    Synthetic,

    /// <summary><see cref="Afin.Training.TaskDistribution.Realistic"/>: mostly user-like regressions.</summary>
    Realistic,
}
