using System.Diagnostics;
using Afin.Modelling;
using Afin.Network;
using Afin.Persistence;
using Afin.Training;

namespace Afin.Inference;

/// <summary>
/// Inference with a safety net: the AFIN posterior of a problem, checked by importance sampling and
/// repaired (SNIS) or replaced (NUTS) when the check says so, with the evidence attached to every
/// answer; or, in <see cref="InferenceMode.Laplace"/> mode, the Laplace approximation without the
/// network. See <see cref="InferenceMode"/> for the modes and <see cref="AutoInferenceOptions"/> for
/// the thresholds.
/// </summary>
/// <remarks>
/// Every problem is also compared with the model's training range (<see cref="TrainingRange"/>);
/// the verdict and its reasons travel with the outcome in every mode that runs the network.
/// </remarks>
public static class AfinInference
{
    /// <summary>Infers the posterior of one problem.</summary>
    /// <param name="model">The trained model.</param>
    /// <param name="problem">The problem.</param>
    /// <param name="mode">Amortized (AFIN only), Corrected (SNIS always), Auto (the tiered policy) or Laplace (no network).</param>
    /// <param name="options">Thresholds, draws, seed, the NUTS fallback and the Laplace search; null for the defaults.</param>
    /// <param name="cancellationToken">Stops the run between stages and inside NUTS and the Laplace search.</param>
    /// <returns>The posterior with the method that produced it, the reason and the diagnostics.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="problem"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mode"/> is not a defined mode.</exception>
    /// <exception cref="ArgumentException">An option is invalid; <see cref="ArgumentException.ParamName"/> names it.</exception>
    /// <exception cref="InvalidOperationException">
    /// Corrected mode found no draw with a finite weight, the NUTS fallback found no usable start or step size, or
    /// the Laplace approximation found no finite start or no positive-definite curvature at the mode.
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static InferenceOutcome Run(AfinModel model, BayesianProblem problem, InferenceMode mode,
        AutoInferenceOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return Run(model, [problem], mode, options, cancellationToken)[0];
    }

    /// <summary>
    /// Infers the posteriors of many problems: the AFIN forward pass is batched (see
    /// <see cref="AfinModel.Infer(IReadOnlyList{BayesianProblem})"/>), the check and any fallback
    /// then run problem by problem, each with the same seed, so a problem gets the same draws alone or in a batch.
    /// <see cref="InferenceMode.Laplace"/> skips the forward pass and does what <see cref="RunLaplace(IReadOnlyList{BayesianProblem}, AutoInferenceOptions?, CancellationToken)"/> does.
    /// </summary>
    /// <param name="model">The trained model (not used in Laplace mode).</param>
    /// <param name="problems">The problems; may be empty.</param>
    /// <param name="mode">Amortized (AFIN only), Corrected (SNIS always), Auto (the tiered policy) or Laplace (no network).</param>
    /// <param name="options">Thresholds, draws, seed, the NUTS fallback and the Laplace search; null for the defaults.</param>
    /// <param name="cancellationToken">Stops the run between problems, between stages and inside NUTS and the Laplace search.</param>
    /// <returns>One outcome per problem, in order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/>, <paramref name="problems"/> or one of the problems is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mode"/> is not a defined mode.</exception>
    /// <exception cref="ArgumentException">An option is invalid; <see cref="ArgumentException.ParamName"/> names it.</exception>
    /// <exception cref="InvalidOperationException">
    /// Corrected mode found no draw with a finite weight, the NUTS fallback found no usable start or step size, or
    /// the Laplace approximation found no finite start or no positive-definite curvature at the mode.
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static IReadOnlyList<InferenceOutcome> Run(AfinModel model, IReadOnlyList<BayesianProblem> problems, InferenceMode mode,
        AutoInferenceOptions? options = null, CancellationToken cancellationToken = default)
    {
        CheckArguments(model, problems, mode);
        if (mode == InferenceMode.Laplace)
        {
            return RunLaplace(problems, options, cancellationToken);
        }
        options ??= new AutoInferenceOptions();
        options.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        if (problems.Count == 0)
        {
            return [];
        }
        var clock = Stopwatch.StartNew();
        var posteriors = model.Infer(problems);
        var share = clock.Elapsed / problems.Count;
        var range = new TrainingRange(model.Tasks, model.Network.Options.Coordinates);
        var outcomes = new InferenceOutcome[problems.Count];
        for (int i = 0; i < problems.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var context = new InferenceContext(mode, problems[i], posteriors[i], range.Check(problems[i]), share, options, cancellationToken);
            outcomes[i] = InferencePolicy.Decide(context);
        }
        return outcomes;
    }

    /// <summary>
    /// The Laplace approximation of one problem as an outcome of <see cref="InferenceMode.Laplace"/> mode, for callers
    /// that hold no model: no network runs and no training range applies.
    /// </summary>
    /// <param name="problem">The problem.</param>
    /// <param name="options">Only <see cref="AutoInferenceOptions.Laplace"/> is used; null for the defaults.</param>
    /// <param name="cancellationToken">Stops the search between Newton iterations.</param>
    /// <returns>
    /// The outcome: mean and covariance of the approximation, <see cref="InferenceOutcome.Laplace"/> with how the search
    /// ended, and a reason that carries its message (as a warning when Newton did not converge).
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="problem"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid; <see cref="ArgumentException.ParamName"/> names it.</exception>
    /// <exception cref="InvalidOperationException">No finite start, or no positive-definite curvature at the mode.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static InferenceOutcome RunLaplace(BayesianProblem problem, AutoInferenceOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return RunLaplace([problem], options, cancellationToken)[0];
    }

    /// <summary>The Laplace approximations of many problems, one after another; see <see cref="RunLaplace(BayesianProblem, AutoInferenceOptions?, CancellationToken)"/>.</summary>
    /// <param name="problems">The problems; may be empty.</param>
    /// <param name="options">Only <see cref="AutoInferenceOptions.Laplace"/> is used; null for the defaults.</param>
    /// <param name="cancellationToken">Stops the run between problems and between Newton iterations.</param>
    /// <returns>One outcome per problem, in order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="problems"/> or one of the problems is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid; <see cref="ArgumentException.ParamName"/> names it.</exception>
    /// <exception cref="InvalidOperationException">No finite start, or no positive-definite curvature at the mode.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static IReadOnlyList<InferenceOutcome> RunLaplace(IReadOnlyList<BayesianProblem> problems, AutoInferenceOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        CheckProblems(problems);
        options ??= new AutoInferenceOptions();
        options.Validate();
        var outcomes = new InferenceOutcome[problems.Count];
        for (int i = 0; i < problems.Count; i++)
        {
            outcomes[i] = LaplaceInference.Run(problems[i], options, cancellationToken);
        }
        return outcomes;
    }

    /// <summary>
    /// Applies <paramref name="mode"/> to an AFIN posterior that was computed already, for callers that run the
    /// forward passes themselves (the DI engine batches them across concurrent requests).
    /// </summary>
    /// <param name="model">The model that produced <paramref name="posterior"/> (its training range is checked).</param>
    /// <param name="problem">The problem.</param>
    /// <param name="posterior">The model's posterior for <paramref name="problem"/>.</param>
    /// <param name="mode">
    /// Amortized (AFIN only), Corrected (SNIS always) or Auto (the tiered policy); Laplace returns the Laplace
    /// approximation, as <see cref="RunLaplace(BayesianProblem, AutoInferenceOptions?, CancellationToken)"/> does, and
    /// leaves <paramref name="posterior"/> unused (a caller that knows the mode beforehand need not run the network).
    /// </param>
    /// <param name="options">Thresholds, draws, seed, the NUTS fallback and the Laplace search; null for the defaults.</param>
    /// <param name="amortizedTime">The forward pass's share of time, reported in the outcome's timings.</param>
    /// <param name="cancellationToken">Stops the run between stages and inside NUTS.</param>
    /// <returns>The posterior with the method that produced it, the reason and the diagnostics.</returns>
    /// <exception cref="ArgumentException">The posterior's dimension is not the problem's, or an option is invalid.</exception>
    public static InferenceOutcome Decide(AfinModel model, BayesianProblem problem, AfinPosterior posterior, InferenceMode mode,
        AutoInferenceOptions? options = null, TimeSpan amortizedTime = default, CancellationToken cancellationToken = default)
    {
        CheckArguments(model, [problem], mode);
        ArgumentNullException.ThrowIfNull(posterior);
        if (posterior.Dimension != problem.Dimension)
        {
            throw new ArgumentException($"the posterior has d = {posterior.Dimension} but the problem has d = {problem.Dimension}.", nameof(posterior));
        }
        if (mode == InferenceMode.Laplace)
        {
            return RunLaplace(problem, options, cancellationToken);
        }
        options ??= new AutoInferenceOptions();
        options.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        var context = new InferenceContext(mode, problem, posterior, new TrainingRange(model.Tasks, model.Network.Options.Coordinates).Check(problem), amortizedTime, options, cancellationToken);
        return InferencePolicy.Decide(context);
    }

    private static void CheckArguments(AfinModel model, IReadOnlyList<BayesianProblem> problems, InferenceMode mode)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckProblems(problems);
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, $"expected one of {string.Join(", ", Enum.GetNames<InferenceMode>())}.");
        }
    }

    private static void CheckProblems(IReadOnlyList<BayesianProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        for (int i = 0; i < problems.Count; i++)
        {
            if (problems[i] is null)
            {
                throw new ArgumentNullException(nameof(problems), $"problems[{i}] is null.");
            }
        }
    }
}
