namespace Afin.Training;

/// <summary>How a user-like task was made: what its design columns hold and which traits it was drawn with.</summary>
/// <param name="Columns">The kind of each design column, in the order of z.</param>
/// <param name="Unscaled">Whether the continuous columns have unequal scales and locations.</param>
/// <param name="Shrinkage">Whether the prior is a shrinkage prior (Laplace or Student-t of small scale).</param>
/// <param name="TargetRareRate">For an imbalanced logit task, the rate of the rarer label its intercept prior was centred at; otherwise null.</param>
/// <param name="Separated">Whether every Bernoulli site with the task's rare indicator set is a positive (quasi-separation).</param>
/// <param name="StrongSignal">
/// Whether the task's data pull some coefficient far from its shrinkage prior's centre (see
/// <see cref="UserTaskMix.StrongSignalProbability"/>).
/// </param>
public sealed record TaskTraits(IReadOnlyList<DesignColumnKind> Columns, bool Unscaled, bool Shrinkage, double? TargetRareRate, bool Separated,
    bool StrongSignal = false);
