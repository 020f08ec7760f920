using Afin.Training;

namespace Afin.Cli.Plotting;

/// <summary>
/// The progress reports of one <c>afin train</c> run, kept for the loss picture: the mean training loss at each
/// report and the validation scores whenever a validation ran. A resumed run holds only its own steps.
/// </summary>
internal sealed class TrainingHistory
{
    private readonly List<(int Step, double Loss)> _loss = [];
    private readonly List<ValidationScores> _validation = [];

    /// <summary>The mean training loss since the previous report, at each report's step.</summary>
    internal IReadOnlyList<(int Step, double Loss)> Loss => _loss;

    /// <summary>The validation scores in step order.</summary>
    internal IReadOnlyList<ValidationScores> Validation => _validation;

    /// <summary>Whether nothing has been reported yet.</summary>
    internal bool IsEmpty => _loss.Count == 0 && _validation.Count == 0;

    /// <summary>Keeps one report; a report without a finite loss (every step in its window was skipped) adds no loss point.</summary>
    internal void Record(TrainingProgress progress)
    {
        if (double.IsFinite(progress.Loss))
        {
            _loss.Add((progress.Step, progress.Loss));
        }
        if (progress.Validation is { } validation)
        {
            _validation.Add(validation);
        }
    }
}
