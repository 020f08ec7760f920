using Afin.Modelling;

namespace Afin.Training;

/// <summary>
/// Training tasks made from the user's own problems, so that a network specialises to the designs it will answer for.
/// Each task takes one template problem's prior, its design rows and every per-site argument (noise scales, degrees of
/// freedom, numbers of trials, offsets), draws a true z0 from that prior and simulates new observations at z0; only the
/// template's observations are never used. A micro-batch draws its templates among those of one dimension, chosen with
/// probability proportional to how many templates have it.
/// </summary>
public sealed class DesignTaskSource : ITrainingTaskSource
{
    /// <summary>Draws from a prior whose simulated data fail validation (e.g. overflow) before giving up.</summary>
    private const int MaxAttempts = 20;

    private readonly BayesianProblem[] _templates;
    private readonly Dictionary<int, BayesianProblem[]> _byDimension;

    /// <summary>Creates the source.</summary>
    /// <param name="templates">The user's problems (at least one); their observations are ignored.</param>
    /// <param name="siteResampleProbability">
    /// The probability that a task resamples its template's sites with replacement (block by block, keeping each block's
    /// size) instead of using them all once: the network then also sees designs close to, not only equal to, the
    /// templates', as a new group of the same kind would give.
    /// </param>
    /// <exception cref="ArgumentException">No templates, or a probability outside [0, 1].</exception>
    public DesignTaskSource(IReadOnlyList<BayesianProblem> templates, double siteResampleProbability = 0.5)
    {
        ArgumentNullException.ThrowIfNull(templates);
        if (templates.Count == 0)
        {
            throw new ArgumentException("at least one template problem is needed", nameof(templates));
        }
        if (!(siteResampleProbability is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(siteResampleProbability), siteResampleProbability, "expected a probability in [0, 1]");
        }
        _templates = templates.Select((t, i) => t ?? throw new ArgumentException($"templates[{i}] is null", nameof(templates))).ToArray();
        _byDimension = _templates.GroupBy(t => t.Dimension).ToDictionary(g => g.Key, g => g.ToArray());
        SiteResampleProbability = siteResampleProbability;
    }

    /// <summary>The template problems.</summary>
    public IReadOnlyList<BayesianProblem> Templates => _templates;

    /// <summary>The probability that a task resamples its template's sites (see the constructor).</summary>
    public double SiteResampleProbability { get; }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">A template's prior keeps producing data that are not valid (e.g. counts that overflow).</exception>
    public IReadOnlyList<SimulatedTask> SampleBatch(int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var rng = new Random(seed);
        var candidates = _byDimension[_templates[rng.Next(_templates.Length)].Dimension];
        return Enumerable.Range(0, count).Select(_ => Sample(candidates[rng.Next(candidates.Length)], rng)).ToArray();
    }

    private SimulatedTask Sample(BayesianProblem template, Random rng)
    {
        bool resample = rng.NextDouble() < SiteResampleProbability;
        var rows = template.Blocks.Select(b => resample
            ? Enumerable.Range(0, b.Count).Select(_ => rng.Next(b.Count)).ToArray()
            : Enumerable.Range(0, b.Count).ToArray()).ToArray();
        ProblemValidationException? last = null;
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var z0 = ProblemSimulator.DrawPrior(template.Prior, rng);
            try
            {
                var blocks = template.Blocks.Select((b, k) => ProblemSimulator.Simulate(b, rows[k], z0, rng)).ToArray();
                return new SimulatedTask(BayesianProblem.Create(template.Prior, blocks, template.Dimension, template.Name), z0);
            }
            catch (ProblemValidationException e)
            {
                // A draw far in a vague prior's tail can overflow the data (e.g. a linear prediction beyond double range); draw again.
                last = e;
            }
        }
        throw new InvalidOperationException($"template '{template.Name ?? "(unnamed)"}': {MaxAttempts} draws from its prior gave data that are not valid, last: {last!.Message}", last);
    }
}
