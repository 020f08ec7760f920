using Afin.Simulation.Metrics;

namespace Afin.Cli.Commands.Review;

/// <summary>One method's line of the review benchmark: the review's scores, training time and inference time per field.</summary>
internal sealed record ReviewBenchRow(string Method, ReviewScores Scores, double TrainingSeconds, double MillisecondsPerField, double SingleFieldMilliseconds, string Notes);
