using Afin.Modelling;
using Afin.Training;

namespace Afin.Inference;

/// <summary>
/// Whether a problem lies so far outside a model's training range that the network's answer would be discarded: Auto
/// and Corrected then skip the forward pass and weigh draws from the Laplace-t proposal instead. The network cannot
/// represent a family it has no features for, and its answers degrade fast beyond the d and N it was trained on: a
/// problem with more than <see cref="DimensionFactor"/> times its largest d or <see cref="SitesFactor"/> times its largest
/// N is treated as unseen, and so is a problem with weighted observations (the network's features have no weights).
/// </summary>
internal static class NetworkReach
{
    /// <summary>How many times the training range's largest d a problem may have before the network is skipped.</summary>
    internal const int DimensionFactor = 2;

    /// <summary>How many times the training range's largest N a problem may have before the network is skipped.</summary>
    internal const int SitesFactor = 4;

    /// <summary>Whether the network is worth running on <paramref name="problem"/>.</summary>
    internal static bool Reaches(TaskDistribution tasks, BayesianProblem problem) =>
        problem.Dimension <= DimensionFactor * tasks.MaxDimension
        && problem.ObservationCount <= SitesFactor * tasks.MaxSites
        && tasks.PriorFamilies.Contains(problem.Prior.Family)
        && problem.Blocks.All(b => tasks.LikelihoodFamilies.Contains(b.Family))
        && !problem.HasWeights;
}
