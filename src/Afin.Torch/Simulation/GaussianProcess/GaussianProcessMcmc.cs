using System.Diagnostics;

namespace Afin.Simulation.GaussianProcess;

/// <summary>
/// The review's gold standard: random-walk Metropolis-Hastings on the length scale theta with the exact likelihood
/// (<see cref="GaussianProcessLikelihood"/>) and a one-parameter prior (the review's U(0, 0.6)), run for many fields at
/// once. Each iteration proposes one theta per field and evaluates every proposal inside the prior's support with one
/// batched Cholesky factorisation, so a thousand chains cost little more per iteration than the factorisations.
/// </summary>
/// <remarks>
/// During warm-up each field's proposal scale adapts toward <see cref="TargetAcceptance"/> (Robbins-Monro on the log
/// scale, step (t+1)^-0.6, driven by the acceptance probability rather than the accept/reject coin, which halves its
/// noise); after warm-up the scale is fixed, so the kept draws are from a plain Metropolis-Hastings chain whose
/// stationary distribution is the posterior. Proposals outside the prior's support, or at theta &lt;= 0 where the
/// model is undefined, are rejected without a likelihood evaluation.
/// </remarks>
public sealed class GaussianProcessMcmc
{
    /// <summary>The acceptance rate the warm-up aims for: the optimum for a one-dimensional random walk
    /// (Roberts, Gelman and Gilks; Gelman et al., Bayesian Data Analysis).</summary>
    public const double TargetAcceptance = 0.44;

    // Keeps the adapted log scale finite whatever the posterior does during warm-up.
    private const double MinScale = 1e-10, MaxScale = 1e10;

    private readonly GaussianProcessLikelihood _likelihood;
    private readonly IParameterPrior _prior;

    /// <summary>Creates the sampler.</summary>
    /// <param name="likelihood">The exact likelihood; its grid fixes the field length.</param>
    /// <param name="prior">A one-parameter prior on theta, e.g. <c>new UniformPrior(0, 0.6)</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="prior"/> has other than one parameter.</exception>
    public GaussianProcessMcmc(GaussianProcessLikelihood likelihood, IParameterPrior prior)
    {
        ArgumentNullException.ThrowIfNull(likelihood);
        ArgumentNullException.ThrowIfNull(prior);
        if (prior.Dimension != 1)
        {
            throw new ArgumentException($"the prior has {prior.Dimension} parameters; expected 1 (the length scale theta)", nameof(prior));
        }
        _likelihood = likelihood;
        _prior = prior;
    }

    /// <summary>Runs one chain per field, all advanced together.</summary>
    /// <param name="fields">Fields, each <see cref="GaussianProcessLikelihood.LocationCount"/> finite values, row-major.</param>
    /// <param name="options">Warm-up, draws, seed, start and thinning; null uses the defaults.</param>
    /// <param name="progress">Told the number of iterations done (of <see cref="GaussianProcessMcmcOptions.TotalIterations"/>) after each iteration.</param>
    /// <param name="cancellation">Checked before every iteration.</param>
    /// <exception cref="ArgumentException">A field is invalid (the message names it), or an option is out of range.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    public GaussianProcessMcmcResult Run(
        IReadOnlyList<float[]> fields,
        GaussianProcessMcmcOptions? options = null,
        IProgress<int>? progress = null,
        CancellationToken cancellation = default)
    {
        options ??= new GaussianProcessMcmcOptions();
        var (start, initialScale) = CheckOptions(options);
        var data = _likelihood.FieldMatrix(fields, nameof(fields));
        var clock = Stopwatch.StartNew();
        int count = fields.Count;
        var random = new Random[count];
        var current = new double[count];
        var currentLogPosterior = new double[count];
        var logScale = new double[count];
        var rows = new int[count];
        for (int i = 0; i < count; i++)
        {
            random[i] = SimulationSeeds.Stream(options.Seed, i);
            current[i] = start;
            logScale[i] = Math.Log(initialScale);
            rows[i] = i;
        }
        double startLogPrior = _prior.LogDensity([start]);
        _likelihood.LogLikelihoodPairs(data, rows, current, currentLogPosterior);
        for (int i = 0; i < count; i++)
        {
            currentLogPosterior[i] += startLogPrior;
        }

        var draws = new double[count][];
        for (int i = 0; i < count; i++)
        {
            draws[i] = new double[options.Draws];
        }
        var accepted = new int[count];
        var proposal = new double[count];
        var proposalLogPrior = new double[count];
        var logUniform = new double[count];
        var validRows = new int[count];
        var validThetas = new double[count];
        var validLogLikelihood = new double[count];
        int total = options.TotalIterations;
        for (int iteration = 0; iteration < total; iteration++)
        {
            cancellation.ThrowIfCancellationRequested();
            int valid = 0;
            for (int i = 0; i < count; i++)
            {
                // Always two draws per field and iteration, so each stream stays in step whatever is accepted.
                proposal[i] = current[i] + Math.Exp(logScale[i]) * StandardNormal.Draw(random[i]);
                logUniform[i] = Math.Log(1.0 - random[i].NextDouble());
                proposalLogPrior[i] = proposal[i] > 0 ? _prior.LogDensity([proposal[i]]) : double.NegativeInfinity;
                if (proposalLogPrior[i] > double.NegativeInfinity)
                {
                    validRows[valid] = i;
                    validThetas[valid] = proposal[i];
                    valid++;
                }
            }
            if (valid > 0)
            {
                _likelihood.LogLikelihoodPairs(data, validRows.AsSpan(0, valid), validThetas.AsSpan(0, valid), validLogLikelihood.AsSpan(0, valid));
            }

            bool warmup = iteration < options.Warmup;
            double step = warmup ? Math.Pow(iteration + 1, -0.6) : 0;
            for (int k = 0, i = 0; i < count; i++)
            {
                double logRatio = double.NegativeInfinity, proposalLogPosterior = double.NegativeInfinity;
                if (k < valid && validRows[k] == i)
                {
                    proposalLogPosterior = validLogLikelihood[k] + proposalLogPrior[i];
                    logRatio = proposalLogPosterior - currentLogPosterior[i];
                    k++;
                }
                bool accept = logUniform[i] < logRatio;
                if (accept)
                {
                    current[i] = proposal[i];
                    currentLogPosterior[i] = proposalLogPosterior;
                }
                if (warmup)
                {
                    double acceptance = logRatio >= 0 ? 1.0 : Math.Exp(logRatio);
                    logScale[i] = Math.Clamp(logScale[i] + step * (acceptance - TargetAcceptance), Math.Log(MinScale), Math.Log(MaxScale));
                }
                else
                {
                    int kept = iteration - options.Warmup + 1;
                    if (accept)
                    {
                        accepted[i]++;
                    }
                    if (kept % options.Thin == 0)
                    {
                        draws[i][kept / options.Thin - 1] = current[i];
                    }
                }
            }
            progress?.Report(iteration + 1);
        }

        int sampling = options.Draws * options.Thin;
        var rates = new double[count];
        var scales = new double[count];
        for (int i = 0; i < count; i++)
        {
            rates[i] = (double)accepted[i] / sampling;
            scales[i] = Math.Exp(logScale[i]);
        }
        return new GaussianProcessMcmcResult(draws, rates, scales, clock.Elapsed);
    }

    /// <summary>Checks the options against the prior; returns the start and the initial proposal scale.</summary>
    private (double Start, double Scale) CheckOptions(GaussianProcessMcmcOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(options.Warmup, "options.Warmup");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Draws, 1, "options.Draws");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Thin, 1, "options.Thin");
        if ((long)options.Draws * options.Thin + options.Warmup > int.MaxValue)
        {
            throw new ArgumentException($"Warmup + Draws x Thin = {options.Warmup} + {options.Draws} x {options.Thin} iterations; expected at most {int.MaxValue}", nameof(options));
        }
        var (lower, upper) = _prior.Support(0);
        bool bounded = double.IsFinite(lower) && double.IsFinite(upper);
        double start = options.Start ?? (bounded
            ? 0.5 * (lower + upper)
            : throw new ArgumentException("the prior's support is unbounded; expected an explicit options.Start", nameof(options)));
        if (!(start > 0) || !double.IsFinite(start) || !(_prior.LogDensity([start]) > double.NegativeInfinity))
        {
            throw new ArgumentException($"options.Start is {start}; expected a positive theta inside the prior's support ({lower}, {upper})", nameof(options));
        }
        double scale = options.InitialProposalScale ?? (bounded
            ? 0.1 * (upper - lower)
            : throw new ArgumentException("the prior's support is unbounded; expected an explicit options.InitialProposalScale", nameof(options)));
        if (!(scale > 0) || !double.IsFinite(scale))
        {
            throw new ArgumentException($"options.InitialProposalScale is {scale}; expected a positive, finite standard deviation", nameof(options));
        }
        return (start, scale);
    }
}
