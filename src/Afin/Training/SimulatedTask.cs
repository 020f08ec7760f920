using Afin.Modelling;

namespace Afin.Training;

/// <summary>A problem simulated from its own prior: the true latent vector and the data it generated.</summary>
/// <param name="Problem">The problem, whose observations were simulated from <paramref name="TrueLatent"/>.</param>
/// <param name="TrueLatent">z0, drawn from the prior; the training target of the forward-KL objective.</param>
public sealed record SimulatedTask(BayesianProblem Problem, double[] TrueLatent)
{
    /// <summary>How a user-like task was made (see <see cref="UserTaskMix"/>); null for the synthetic design kinds.</summary>
    public TaskTraits? Traits { get; init; }
}
