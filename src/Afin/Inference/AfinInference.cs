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
        var range = new TrainingRange(model.Tasks, model.Options.Coordinates);
        var outcomes = new InferenceOutcome[problems.Count];
        // Never pay for what will be discarded: conjugate problems are answered exactly, and problems the network cannot
        // reach get no forward pass; only the rest share the batched pass.
        var networked = new List<int>();
        for (int i = 0; i < problems.Count; i++)
        {
            if (ExactInference.Applies(mode, problems[i]))
            {
                outcomes[i] = ExactInference.Run(mode, problems[i]);
            }
            else if (mode != InferenceMode.Amortized && !NetworkReach.Reaches(model.Tasks, problems[i]))
            {
                var verdict = RangeVerdict.Of(range, model.RangeBounds, problems[i], options, cancellationToken);
                var context = new InferenceContext(mode, problems[i], null, verdict.Reasons, verdict.Laplace, verdict.Elapsed, TimeSpan.Zero, options, cancellationToken);
                outcomes[i] = InferencePolicy.Decide(context);
            }
            else
            {
                networked.Add(i);
            }
        }
        if (networked.Count == 0)
        {
            return outcomes;
        }
        var clock = Stopwatch.StartNew();
        var posteriors = model.Infer(networked.Select(i => problems[i]).ToArray());
        var share = clock.Elapsed / networked.Count;
        for (int k = 0; k < networked.Count; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int i = networked[k];
            var verdict = RangeVerdict.Of(range, model.RangeBounds, problems[i], options, cancellationToken);
            var context = new InferenceContext(mode, problems[i], posteriors[k], verdict.Reasons, verdict.Laplace, verdict.Elapsed, share, options, cancellationToken);
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
    /// The outcome of <paramref name="problem"/> when <paramref name="mode"/> answers it without any model: Laplace mode,
    /// and a conjugate problem in every mode but Amortized (answered exactly); otherwise null. Callers that load a model
    /// only when one is needed (the command line, which would otherwise load libtorch) ask this first.
    /// </summary>
    /// <param name="problem">The problem.</param>
    /// <param name="mode">The mode.</param>
    /// <param name="options">Only <see cref="AutoInferenceOptions.Laplace"/> is used; null for the defaults.</param>
    /// <param name="cancellationToken">Stops the Laplace search between Newton iterations.</param>
    /// <returns>The outcome, or null when the mode needs the network for this problem.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="problem"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mode"/> is not a defined mode.</exception>
    /// <exception cref="InvalidOperationException">The Laplace search found no finite start or no positive-definite curvature.</exception>
    public static InferenceOutcome? RunWithoutModel(BayesianProblem problem, InferenceMode mode, AutoInferenceOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, $"expected one of {string.Join(", ", Enum.GetNames<InferenceMode>())}.");
        }
        cancellationToken.ThrowIfCancellationRequested();
        if (mode == InferenceMode.Laplace)
        {
            return RunLaplace(problem, options, cancellationToken);
        }
        return ExactInference.Applies(mode, problem) ? ExactInference.Run(mode, problem) : null;
    }

    /// <summary>
    /// Whether <paramref name="mode"/> uses the network's answer for <paramref name="problem"/>: not in Laplace mode, not
    /// for a conjugate problem outside Amortized mode (answered exactly), and not in Auto or Corrected mode for a problem
    /// so far outside the training range that its answer would be discarded. Callers that run the forward passes
    /// themselves (see <see cref="Decide"/>) skip them where this is false.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="problem"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mode"/> is not a defined mode.</exception>
    public static bool NeedsNetwork(AfinModel model, BayesianProblem problem, InferenceMode mode)
    {
        CheckArguments(model, [problem], mode);
        return mode switch
        {
            InferenceMode.Laplace => false,
            InferenceMode.Amortized => true,
            _ => !ExactInference.Applies(mode, problem) && NetworkReach.Reaches(model.Tasks, problem),
        };
    }

    /// <summary>
    /// Applies <paramref name="mode"/> to an AFIN posterior that was computed already, for callers that run the
    /// forward passes themselves (the DI engine batches them across concurrent requests). The answer is the one
    /// <see cref="Run(AfinModel, BayesianProblem, InferenceMode, AutoInferenceOptions?, CancellationToken)"/> gives.
    /// </summary>
    /// <param name="model">The model that produced <paramref name="posterior"/> (its training range is checked).</param>
    /// <param name="problem">The problem.</param>
    /// <param name="posterior">
    /// The model's posterior for <paramref name="problem"/>; may be null where <see cref="NeedsNetwork"/> is false, and is
    /// then ignored if given (Laplace mode, a conjugate problem, a problem far outside the training range).
    /// </param>
    /// <param name="mode">
    /// Amortized (AFIN only), Corrected (importance sampling always) or Auto (the tiered policy); Laplace returns the
    /// Laplace approximation, as <see cref="RunLaplace(BayesianProblem, AutoInferenceOptions?, CancellationToken)"/> does.
    /// </param>
    /// <param name="options">Thresholds, draws, seed, the NUTS fallback and the Laplace search; null for the defaults.</param>
    /// <param name="amortizedTime">The forward pass's share of time, reported in the outcome's timings.</param>
    /// <param name="cancellationToken">Stops the run between stages and inside NUTS.</param>
    /// <returns>The posterior with the method that produced it, the reason and the diagnostics.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="posterior"/> is null where the network's answer is needed.</exception>
    /// <exception cref="ArgumentException">The posterior's dimension is not the problem's, or an option is invalid.</exception>
    public static InferenceOutcome Decide(AfinModel model, BayesianProblem problem, AfinPosterior? posterior, InferenceMode mode,
        AutoInferenceOptions? options = null, TimeSpan amortizedTime = default, CancellationToken cancellationToken = default)
    {
        bool needsNetwork = NeedsNetwork(model, problem, mode);
        if (needsNetwork)
        {
            ArgumentNullException.ThrowIfNull(posterior);
            if (posterior.Dimension != problem.Dimension)
            {
                throw new ArgumentException($"the posterior has d = {posterior.Dimension} but the problem has d = {problem.Dimension}.", nameof(posterior));
            }
        }
        if (mode == InferenceMode.Laplace)
        {
            return RunLaplace(problem, options, cancellationToken);
        }
        options ??= new AutoInferenceOptions();
        options.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        if (ExactInference.Applies(mode, problem))
        {
            return ExactInference.Run(mode, problem);
        }
        var verdict = RangeVerdict.Of(new TrainingRange(model.Tasks, model.Options.Coordinates), model.RangeBounds, problem, options, cancellationToken);
        var context = new InferenceContext(mode, problem, needsNetwork ? posterior : null, verdict.Reasons, verdict.Laplace, verdict.Elapsed,
            needsNetwork ? amortizedTime : TimeSpan.Zero, options, cancellationToken);
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
