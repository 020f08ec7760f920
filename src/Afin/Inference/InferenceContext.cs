using Afin.Modelling;
using Afin.Network;

namespace Afin.Inference;

/// <summary>What every stage after the AFIN forward pass works from, for one problem.</summary>
/// <param name="Mode">The mode asked for.</param>
/// <param name="Problem">The problem.</param>
/// <param name="Posterior">Its AFIN posterior q; null when the network was not run because the problem lies far outside its training range.</param>
/// <param name="OutOfRangeReasons">Why it lies outside the training range; empty inside.</param>
/// <param name="Laplace">Its Laplace approximation, computed for the range check; null when it failed.</param>
/// <param name="RangeCheckTime">The time of the range check, its Laplace search included.</param>
/// <param name="AmortizedTime">The time of (its share of) the forward pass.</param>
/// <param name="Options">The validated options.</param>
/// <param name="CancellationToken">Stops the run between stages and inside NUTS.</param>
internal sealed record InferenceContext(
    InferenceMode Mode,
    BayesianProblem Problem,
    AfinPosterior? Posterior,
    IReadOnlyList<string> OutOfRangeReasons,
    Laplace.LaplacePosterior? Laplace,
    TimeSpan RangeCheckTime,
    TimeSpan AmortizedTime,
    AutoInferenceOptions Options,
    CancellationToken CancellationToken)
{
    /// <summary>Whether the problem lies inside the training range.</summary>
    internal bool InRange => OutOfRangeReasons.Count == 0;
}
