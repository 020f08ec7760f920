using Afin.Modelling;
using Afin.Persistence;
using Afin.Prediction;

namespace Afin.Extensions.DependencyInjection;

/// <summary>
/// Computes AFIN posteriors for <see cref="BayesianProblem"/>s. Thread-safe: any number of threads or concurrent requests may
/// call it; concurrent requests are gathered into shared forward passes (micro-batching). Registered as a singleton by
/// <c>services.AddAfinPosterior(...)</c>.
/// </summary>
public interface IAfinPosteriorEngine
{
    /// <summary>The model the engine runs (loaded once); in Laplace mode the engine runs no network, and reading this may load it.</summary>
    AfinModel Model { get; }

    /// <summary>The posterior of one problem; its draws (if any) use <see cref="AfinEngineOptions.Seed"/>.</summary>
    /// <exception cref="OperationCanceledException">The token was cancelled before the problem's forward pass started.</exception>
    /// <exception cref="InvalidOperationException">Inference failed for this problem (e.g. the network cannot take its size).</exception>
    Task<AfinPosteriorResult> InferAsync(BayesianProblem problem, CancellationToken cancellationToken = default);

    /// <summary>The posteriors of several problems, in order; problem i draws with seed <see cref="AfinEngineOptions.Seed"/> + i.</summary>
    /// <exception cref="OperationCanceledException">The token was cancelled before the forward pass started.</exception>
    /// <exception cref="InvalidOperationException">Inference failed for the batch; the message says why.</exception>
    Task<IReadOnlyList<AfinPosteriorResult>> InferBatchAsync(IReadOnlyList<BayesianProblem> problems, CancellationToken cancellationToken = default);

    /// <summary>The synchronous form of <see cref="InferAsync"/> (blocks the calling thread).</summary>
    AfinPosteriorResult Infer(BayesianProblem problem);

    /// <summary>The synchronous form of <see cref="InferBatchAsync"/> (blocks the calling thread).</summary>
    IReadOnlyList<AfinPosteriorResult> InferBatch(IReadOnlyList<BayesianProblem> problems);

    /// <summary>
    /// Predictions for new rows of <paramref name="problem"/>: its posterior as <see cref="InferAsync"/> computes it, then
    /// each row's posterior predictive (<see cref="AfinPosteriorResult.Predict"/>) under the family of the problem's
    /// single observation block. To predict again from the same posterior, keep the result and call its Predict.
    /// </summary>
    /// <exception cref="ArgumentException">The problem has observations of several families (predict from the result with a named family).</exception>
    /// <exception cref="ProblemValidationException">A row is invalid; the message names the field and the row.</exception>
    async Task<PredictionSet> PredictAsync(BayesianProblem problem, PredictionRows rows, PredictionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var likelihood = PredictiveLikelihood.Of(problem);
        var posterior = await InferAsync(problem, cancellationToken).ConfigureAwait(false);
        return posterior.Predict(likelihood, rows, options);
    }
}
