using Afin.Training;

namespace Afin.MLNet;

/// <summary>What the last fine-tuning in <see cref="AfinPosteriorEstimator.Fit"/> did and measured.</summary>
/// <param name="Problems">The training data's valid problems whose designs the tasks were made from.</param>
/// <param name="Steps">The fine-tuning steps taken.</param>
/// <param name="Seconds">The wall time of fine-tuning, measurements included.</param>
/// <param name="Before">Scores on held-out simulated tasks from those designs before fine-tuning (null when <see cref="AfinPosteriorOptions.FineTuneHeldOutTasks"/> is 0).</param>
/// <param name="After">Scores on the same held-out tasks after fine-tuning (null likewise).</param>
public sealed record AfinFineTuneReport(int Problems, int Steps, double Seconds, HeldOutScores? Before, HeldOutScores? After);
