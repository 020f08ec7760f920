using System.Globalization;

namespace Afin.References;

/// <summary>Settings of a <see cref="NutsSampler"/> run; the defaults are Stan's.</summary>
public sealed record NutsOptions
{
    /// <summary>The largest tree depth accepted: 2^30 leapfrog steps per draw is already impractical.</summary>
    public const int MaxAllowedTreeDepth = 30;

    /// <summary>Post-warmup draws kept per chain (at least 1; default 1000).</summary>
    public int Draws { get; init; } = 1000;

    /// <summary>
    /// Warmup iterations per chain, used to adapt the step size and the diagonal metric and then
    /// discarded (at least 0; default 1000). With fewer than 150 the adaptation stages are shrunk to
    /// 15% / 75% / 10% of warmup, and with fewer than 20 only the step size is adapted.
    /// </summary>
    public int Warmup { get; init; } = 1000;

    /// <summary>Independent chains, run in parallel (at least 1; default 4).</summary>
    public int Chains { get; init; } = 4;

    /// <summary>
    /// The most chains run at the same time (at least 1), or null (the default) to run every chain at once. Set it to
    /// share a machine: chains beyond it wait for a free slot. Draws do not depend on it (see <see cref="Seed"/>).
    /// </summary>
    public int? MaxParallelChains { get; init; }

    /// <summary>
    /// Seed of the run. Chain c draws from its own generator seeded from (<see cref="Seed"/>, c), so a
    /// seed gives bit-identical draws whatever the thread scheduling.
    /// </summary>
    public long Seed { get; init; }

    /// <summary>The mean acceptance statistic step-size adaptation aims for (in (0, 1); default 0.8).</summary>
    public double TargetAcceptance { get; init; } = 0.8;

    /// <summary>The maximum tree depth: at most 2^depth - 1 leapfrog steps per draw (1 to 30; default 10).</summary>
    public int MaxTreeDepth { get; init; } = 10;

    /// <summary>
    /// The step size the initial search starts from (finite and &gt; 0; default 1). Stan also
    /// centres dual averaging on log(10 * this value) until the first metric update.
    /// </summary>
    public double InitialStepSize { get; init; } = 1.0;

    /// <summary>
    /// The starting point of every chain (length d, finite), or null (the default) to draw each
    /// chain's start uniformly from (-2, 2)^d as Stan does.
    /// </summary>
    public IReadOnlyList<double>? InitialPoint { get; init; }

    /// <summary>
    /// The diagonal inverse metric every chain starts warmup with (length d, each entry finite and
    /// &gt; 0: a guess of the posterior variances), or null (the default) for the identity, as Stan
    /// starts. A good guess (for instance the variances of an AFIN posterior) lets the initial
    /// step-size search and the first warmup window work at the posterior's own scale instead of a
    /// unit scale, which matters when the scales differ by orders of magnitude; warmup still
    /// replaces it with its own estimate at the end of each slow window.
    /// </summary>
    public IReadOnlyList<double>? InitialInverseMetric { get; init; }

    /// <summary>
    /// Checks every option against a density of dimension <paramref name="dimension"/>.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// An option is out of range; <see cref="ArgumentException.ParamName"/> is the option's name.
    /// </exception>
    public void Validate(int dimension)
    {
        if (Draws < 1)
        {
            throw Invalid(nameof(Draws), $"must be at least 1, got {Draws}");
        }
        if (Warmup < 0)
        {
            throw Invalid(nameof(Warmup), $"must be at least 0, got {Warmup}");
        }
        if (Chains < 1)
        {
            throw Invalid(nameof(Chains), $"must be at least 1, got {Chains}");
        }
        if (MaxParallelChains is < 1)
        {
            throw Invalid(nameof(MaxParallelChains), $"must be at least 1 when set, got {MaxParallelChains}");
        }
        if (!(TargetAcceptance > 0 && TargetAcceptance < 1))
        {
            throw Invalid(nameof(TargetAcceptance), $"must lie strictly between 0 and 1, got {Format(TargetAcceptance)}");
        }
        if (MaxTreeDepth < 1 || MaxTreeDepth > MaxAllowedTreeDepth)
        {
            throw Invalid(nameof(MaxTreeDepth), $"must lie between 1 and {MaxAllowedTreeDepth}, got {MaxTreeDepth}");
        }
        if (!(double.IsFinite(InitialStepSize) && InitialStepSize > 0))
        {
            throw Invalid(nameof(InitialStepSize), $"must be finite and > 0, got {Format(InitialStepSize)}");
        }
        if (InitialPoint is { } init)
        {
            CheckLength(nameof(InitialPoint), init, dimension);
            for (int i = 0; i < init.Count; i++)
            {
                if (!double.IsFinite(init[i]))
                {
                    throw Invalid(nameof(InitialPoint), $"must be finite, got {Format(init[i])} at index {i}");
                }
            }
        }
        if (InitialInverseMetric is { } metric)
        {
            CheckLength(nameof(InitialInverseMetric), metric, dimension);
            for (int i = 0; i < metric.Count; i++)
            {
                if (!(double.IsFinite(metric[i]) && metric[i] > 0))
                {
                    throw Invalid(nameof(InitialInverseMetric), $"must be finite and > 0, got {Format(metric[i])} at index {i}");
                }
            }
        }
    }

    private static void CheckLength(string option, IReadOnlyList<double> values, int dimension)
    {
        if (values.Count != dimension)
        {
            throw Invalid(option, $"must have length d = {dimension}, got {values.Count}");
        }
    }

    private static ArgumentException Invalid(string option, string problem) =>
        new($"NutsOptions.{option} {problem}.", option);

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
