namespace Afin.Prediction;

/// <summary>Predictions for new rows, in order, and their scores when the rows carried observed values.</summary>
/// <param name="Predictions">One per row.</param>
/// <param name="Scores">Held-out scores when <see cref="PredictionRows.Y"/> was given; else null.</param>
/// <param name="Level">The interval level the predictions were made at.</param>
public sealed record PredictionSet(IReadOnlyList<Prediction> Predictions, PredictionScores? Scores, double Level);
