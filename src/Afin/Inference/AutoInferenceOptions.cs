using System.Globalization;
using Afin.Correction;
using Afin.Laplace;
using Afin.References;

namespace Afin.Inference;

/// <summary>
/// Settings of <see cref="AfinInference"/>: how many proposal draws the importance check makes, the
/// bars the Auto policy applies to its diagnostics, the NUTS run it falls back on, and the Laplace
/// approximation of <see cref="InferenceMode.Laplace"/>.
/// </summary>
/// <remarks>
/// <para>
/// The tiers follow the reading of k-hat that Yao, Vehtari, Simpson and Gelman give for variational
/// approximations ("Yes, but did it work?", ICML 2018) and that Vehtari, Simpson, Gelman, Yao and
/// Gabry give for PSIS (JMLR 2024): below 0.5 the approximation is close enough to use; from 0.5 to
/// 0.7 it is not, but Pareto-smoothed importance sampling repairs it; above 0.7 importance
/// sampling cannot repair it at any practical number of draws, and another method is needed.
/// </para>
/// <para>
/// k-hat reads only the right tail of the importance ratios, so each tier also asks for enough
/// effective draws (Kish's 1 / Σ wᵢ² of the smoothed weights): a q wider than p has bounded ratios
/// and a small k-hat however far its bulk lies from p's.
/// </para>
/// </remarks>
public sealed record AutoInferenceOptions
{
    /// <summary>
    /// Draws from the AFIN posterior for the importance check (at least 25, the fewest PSIS fits a
    /// tail to; default 2000). With 2000 draws PSIS smooths the largest 135 ratios and its
    /// sample-size threshold min(1 - 1/log10 S, 0.7) is 0.697, practically the asymptotic 0.7;
    /// the check costs 2000 evaluations of the log posterior, milliseconds for problems of the
    /// training range.
    /// </summary>
    public int ProposalDraws { get; init; } = 2000;

    /// <summary>
    /// Seeds the proposal draws and the NUTS fallback (replacing <see cref="NutsOptions.Seed"/>); the
    /// same seed gives the same outcome (default 0).
    /// </summary>
    public int Seed { get; init; }

    /// <summary>
    /// Auto returns the AFIN posterior as is only when k-hat is below this (default 0.5,
    /// <see cref="ParetoSmoothing.GoodShapeThreshold"/>): the bar below which Yao et al. (2018) call a
    /// variational approximation close to the posterior, and below which the raw importance ratios
    /// have finite variance.
    /// </summary>
    public double AmortizedMaxParetoK { get; init; } = ParetoSmoothing.GoodShapeThreshold;

    /// <summary>
    /// ... and the effective sample size is at least this fraction of the draws (in [0, 1]; default 0.8).
    /// The ratio estimates 1 / (1 + χ²(p ‖ q)), and for every function f,
    /// |E_q f - E_p f| ≤ sd_q(f)·√χ²; at 0.8, χ² ≤ 0.25, so every posterior expectation read from q
    /// is within half a standard deviation of the exact one (a Gaussian q shifted by δ standard
    /// deviations passes up to δ = 0.47). Above that, the corrected estimate, whose Monte Carlo
    /// error is then about sd / √1600, is the better answer.
    /// </summary>
    public double AmortizedMinEssRatio { get; init; } = 0.8;

    /// <summary>
    /// ... and the corrected mean differs from the AFIN mean by at most this many Monte Carlo standard
    /// errors (sd / √ESS) in every coordinate (finite and &gt; 0; default 2). The weights are already paid
    /// for when Auto decides, so AFIN is returned uncorrected only when the correction cannot be told
    /// from Monte Carlo noise; otherwise the corrected answer is strictly the better one. Without this bar
    /// a q within half a standard deviation (the ESS-ratio bar) was returned as is: afin bench correction
    /// measured Auto's error at 0.145 sd against NUTS's 0.016 on d = 2 logistic regressions.
    /// </summary>
    public double AmortizedMaxMeanShift { get; init; } = 2;

    /// <summary>
    /// Auto returns the SNIS-corrected posterior when k-hat is at most this (default 0.7,
    /// <see cref="ParetoSmoothing.UnreliableShapeThreshold"/>) and at most the sample-size threshold
    /// <see cref="ImportanceSamplingResult.ParetoKThreshold"/>: above it Vehtari et al. (2024) find
    /// the PSIS estimate unreliable at any practical number of draws. Corrected mode warns above it.
    /// </summary>
    public double CorrectedMaxParetoK { get; init; } = ParetoSmoothing.UnreliableShapeThreshold;

    /// <summary>
    /// ... and the effective sample size is at least this (at least 0; default 100): the Monte Carlo
    /// standard error of each corrected posterior mean, about sd / √ESS, is then at most a tenth of
    /// a posterior standard deviation, the precision Vehtari et al. (2021, rank-normalised R-hat) ask
    /// of MCMC summaries. Corrected mode warns below it.
    /// </summary>
    public double CorrectedMinEss { get; init; } = 100;

    /// <summary>
    /// An importance-sampling or NUTS-fallback answer is accepted only when the Monte Carlo standard error of every
    /// posterior mean is at most this many posterior standard deviations (finite and &gt; 0; default 0.05, the error of a
    /// NUTS run with 400 effective draws). k-hat and the ESS say whether the weights can be trusted at all; this bar says
    /// whether there are enough of them: an ESS just over 100 left errors of 0.15-0.18 sd, six times NUTS's. When the
    /// weights are reliable but too few, more draws are made (up to <see cref="MaxProposalDraws"/>); then Auto runs NUTS,
    /// drawing until it too meets the bar, and Corrected warns.
    /// </summary>
    /// <remarks>
    /// With d coordinates the bar tightens (<see cref="MonteCarloBar"/>) so that the largest of the d errors, not only
    /// each one, stays small: with every standard error at the bar, the largest of 60 errors would be about 2.5 times it.
    /// The tightened bar is the largest at which the chance that any coordinate's error exceeds twice this value is at
    /// most 0.2 (a union bound over Gaussian errors); it equals this value up to d = 4, is 0.043 at d = 10 and 0.034 at d = 60.
    /// </remarks>
    public double MaxMonteCarloError { get; init; } = 0.05;

    /// <summary>
    /// The most draws the importance check makes from one proposal to bring its Monte Carlo error under
    /// <see cref="MonteCarloBar"/> (at least <see cref="ProposalDraws"/>; default 16000). Beyond it NUTS is the
    /// cheaper route: its four chains of 2000 iterations evaluate the gradient several times per iteration.
    /// </summary>
    public int MaxProposalDraws { get; init; } = 16000;

    /// <summary>
    /// Warmup iterations per chain of Auto's NUTS fallback when it starts from an approximation (its mean as the start and
    /// its variances as the metric), half of it in the coordinates the approximation's covariance whitens, where the
    /// metric is the identity by construction; a cold start takes <see cref="NutsOptions.Warmup"/> of <see cref="Nuts"/>
    /// (at least 1; default 300, never more than <see cref="NutsOptions.Warmup"/>). Such a start is already in the
    /// typical set at the right scales, so Stan's 1000 iterations of warmup, sized for a random start and a unit
    /// metric, are mostly spent re-learning them.
    /// </summary>
    public int FallbackWarmup { get; init; } = 300;

    /// <summary>
    /// Degrees of freedom of the Laplace-t proposal: a multivariate Student-t at the Laplace approximation's mode with
    /// its covariance as the scale, which Auto and Corrected try when the AFIN posterior alone does not give an accepted
    /// answer (finite and &gt; 0; default 5). Fewer degrees of freedom give heavier tails, safer against a posterior wider
    /// than the curvature at its mode says, at the price of fewer effective draws.
    /// </summary>
    public double LaplaceProposalDegreesOfFreedom { get; init; } = 5;

    /// <summary>
    /// Draws for the quick importance check of <see cref="InferenceMode.Amortized"/> mode: the AFIN posterior is still
    /// returned as is, but its PSIS k-hat on this many draws is reported, with a warning above 0.7 (0 turns the check
    /// off, otherwise at least 25; default 250, a fraction of a millisecond at the training range's sizes).
    /// </summary>
    public int AmortizedCheckDraws { get; init; } = 250;

    /// <summary>
    /// Whether Auto refuses to return the AFIN posterior uncorrected for a problem outside the
    /// training range (default true): such a problem is checked like any other, but even when its
    /// weights pass the first bar it gets at least the SNIS correction, because a network away from
    /// its training data can be wrong where 2000 draws from q never look. False treats it like an
    /// in-range problem. Out-of-range problems are never exempt from the check.
    /// </summary>
    public bool RequireCorrectionOutOfRange { get; init; } = true;

    /// <summary>
    /// The NUTS run Auto falls back on (default Stan's: 4 chains of 1000 warmup and 1000 kept draws).
    /// <see cref="NutsOptions.InitialPoint"/> and <see cref="NutsOptions.InitialInverseMetric"/> are replaced by the
    /// AFIN (or Laplace) mean and variances, and <see cref="NutsOptions.Seed"/> by <see cref="Seed"/>. The fallback
    /// draws in rounds, a quarter of <see cref="NutsOptions.Draws"/> per chain first, and stops as soon as every mean's
    /// Monte Carlo error meets <see cref="MonteCarloBar"/> and every R-hat is at most 1.01; <see cref="NutsOptions.Draws"/>
    /// is the most it draws. Its warmup is <see cref="FallbackWarmup"/> when it starts from an approximation.
    /// </summary>
    public NutsOptions Nuts { get; init; } = new();

    /// <summary>
    /// The Newton search and curvature of <see cref="InferenceMode.Laplace"/> (default <see cref="LaplaceOptions"/>'
    /// defaults, which suit every problem family); the other modes ignore it.
    /// </summary>
    public LaplaceOptions Laplace { get; init; } = new();

    /// <summary>
    /// The Monte Carlo error bar for a d-dimensional answer: <see cref="MaxMonteCarloError"/>, tightened so that the
    /// largest of the d standardised errors exceeds twice it with probability at most 0.2 (see
    /// <see cref="MaxMonteCarloError"/>).
    /// </summary>
    /// <param name="dimension">The number of coordinates d, at least 1.</param>
    public double MonteCarloBar(int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        // P(|N(0, 1)| > z) = 0.2 / d for each coordinate, so that the union over d is at most 0.2.
        double z = MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, 1 - 0.1 / dimension);
        return MaxMonteCarloError * Math.Min(1, 2 / z);
    }

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">
    /// An option is out of range; <see cref="ArgumentException.ParamName"/> is the option's name (a
    /// NUTS or Laplace option's own name for an invalid <see cref="Nuts"/> or <see cref="Laplace"/>).
    /// </exception>
    public void Validate()
    {
        if (ProposalDraws < ParetoSmoothing.MinimumTailLength * 5)
        {
            throw Invalid(nameof(ProposalDraws), $"must be at least {ParetoSmoothing.MinimumTailLength * 5} (PSIS needs {ParetoSmoothing.MinimumTailLength} tail draws), got {ProposalDraws}");
        }
        CheckFinite(nameof(AmortizedMaxParetoK), AmortizedMaxParetoK);
        if (!(AmortizedMinEssRatio >= 0 && AmortizedMinEssRatio <= 1))
        {
            throw Invalid(nameof(AmortizedMinEssRatio), $"must lie between 0 and 1, got {Format(AmortizedMinEssRatio)}");
        }
        if (!(double.IsFinite(AmortizedMaxMeanShift) && AmortizedMaxMeanShift > 0))
        {
            throw Invalid(nameof(AmortizedMaxMeanShift), $"must be finite and > 0, got {Format(AmortizedMaxMeanShift)}");
        }
        CheckFinite(nameof(CorrectedMaxParetoK), CorrectedMaxParetoK);
        if (!(double.IsFinite(MaxMonteCarloError) && MaxMonteCarloError > 0))
        {
            throw Invalid(nameof(MaxMonteCarloError), $"must be finite and > 0, got {Format(MaxMonteCarloError)}");
        }
        if (MaxProposalDraws < ProposalDraws)
        {
            throw Invalid(nameof(MaxProposalDraws), $"must be at least ProposalDraws ({ProposalDraws}), got {MaxProposalDraws}");
        }
        if (FallbackWarmup < 1)
        {
            throw Invalid(nameof(FallbackWarmup), $"must be at least 1, got {FallbackWarmup}");
        }
        if (!(double.IsFinite(LaplaceProposalDegreesOfFreedom) && LaplaceProposalDegreesOfFreedom > 0))
        {
            throw Invalid(nameof(LaplaceProposalDegreesOfFreedom), $"must be finite and > 0, got {Format(LaplaceProposalDegreesOfFreedom)}");
        }
        if (AmortizedCheckDraws != 0 && AmortizedCheckDraws < ParetoSmoothing.MinimumTailLength * 5)
        {
            throw Invalid(nameof(AmortizedCheckDraws), $"must be 0 (no check) or at least {ParetoSmoothing.MinimumTailLength * 5}, got {AmortizedCheckDraws}");
        }
        if (!(double.IsFinite(CorrectedMinEss) && CorrectedMinEss >= 0))
        {
            throw Invalid(nameof(CorrectedMinEss), $"must be finite and >= 0, got {Format(CorrectedMinEss)}");
        }
        if (Nuts is null)
        {
            throw Invalid(nameof(Nuts), "must not be null");
        }
        // The start and metric come from the AFIN posterior, so only the dimension-free options are the caller's.
        (Nuts with { InitialPoint = null, InitialInverseMetric = null }).Validate(1);
        if (Laplace is null)
        {
            throw Invalid(nameof(Laplace), "must not be null");
        }
        Laplace.Validate();
    }

    private static void CheckFinite(string option, double value)
    {
        if (!double.IsFinite(value))
        {
            throw Invalid(option, $"must be finite, got {Format(value)}");
        }
    }

    private static ArgumentException Invalid(string option, string problem) =>
        new($"AutoInferenceOptions.{option} {problem}.", option);

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
