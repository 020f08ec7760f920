namespace Afin.Training;

/// <summary>
/// Accuracy on the held-out conjugate validation suite, scored against the exact posterior, or on reference problems
/// (<c>AfinTrainer.ReferenceProblems</c>), scored against their references.
/// </summary>
/// <param name="Step">The step at which the scores were taken.</param>
/// <param name="MedianStandardisedMeanError">Median over problems of the mean over coordinates of |mean error| / exact sd.</param>
/// <param name="MedianKlPerDimension">Median over problems of KL(exact || AFIN Gaussian) / d.</param>
/// <param name="Problems">The number of validation problems.</param>
public sealed record ValidationScores(int Step, double MedianStandardisedMeanError, double MedianKlPerDimension, int Problems)
{
    /// <summary>Median over problems of the largest |mean error| / reference sd over coordinates; set for reference problems.</summary>
    public double? MedianMaxStandardisedMeanError { get; init; }
}
