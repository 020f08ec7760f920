using Afin.Modelling;

namespace Afin.Training;

/// <summary>
/// Training tasks made from the user's own problems, so that a network specialises to the designs it will answer for.
/// Each task takes one template problem's prior, its design rows and every per-site argument (noise scales, degrees of
/// freedom, numbers of trials, offsets), draws a true z0 from that prior (or from its restriction to the template's
/// posterior region, see <see cref="RegionScale"/>) and simulates new observations at z0. A micro-batch draws its templates among those of one dimension, chosen with
/// probability proportional to how many templates have it.
/// </summary>
public sealed class DesignTaskSource : ITrainingTaskSource
{
    /// <summary>Draws from a prior whose simulated data fail validation (e.g. overflow) before giving up.</summary>
    private const int MaxAttempts = 20;

    private readonly BayesianProblem[] _templates;
    private readonly Dictionary<int, BayesianProblem[]> _byDimension;
    private readonly Dictionary<BayesianProblem, PosteriorRegion>? _regions;
    private readonly Dictionary<BayesianProblem, DataLikeness?>? _likeness;

    /// <summary>Creates the source.</summary>
    /// <param name="templates">The user's problems (at least one); their observations are ignored.</param>
    /// <param name="siteResampleProbability">
    /// The probability that a task resamples its template's sites with replacement (block by block, keeping each block's
    /// size) instead of using them all once: the network then also sees designs close to, not only equal to, the
    /// templates', as a new group of the same kind would give.
    /// </param>
    /// <param name="regionScale">
    /// 0 (the default): true latents are drawn from each template's prior. Positive: from its prior restricted to the
    /// region where the template's own posterior lives, the ellipsoid of radius regionScale × (√d + 3) Laplace sds around
    /// its Laplace mode (truncated-prior training, as TSNPE, Deistler et al. 2022). The posterior of the template's own
    /// data is unchanged by the truncation, so the network learns the exact target for them, and the simulated data look
    /// like them instead of like the prior's extremes (a weakly informative prior on raw features mostly simulates
    /// separated or saturated data). Laplace approximations are computed once per template. Measured worse than the whole
    /// prior for fine-tuning (docs/benchmarks.md, "Fit on the user's designs"): a network that cannot see the region learns
    /// its pull toward the region's centre as part of every posterior.
    /// </param>
    /// <param name="dataLike">
    /// Whether a task redraws (z0, y) until its labels and its fitted logit and Poisson predictors look like its
    /// template's own data (<see cref="DataLikeness"/>; at most 256 draws): a check on y alone, so every task's posterior
    /// stays the one its problem states, while prior draws that simulate separated or saturated data no real group shows
    /// become rare.
    /// </param>
    /// <exception cref="ArgumentException">No templates, a probability outside [0, 1] or a negative region scale.</exception>
    public DesignTaskSource(IReadOnlyList<BayesianProblem> templates, double siteResampleProbability = 0.5, double regionScale = 0, bool dataLike = false)
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
        if (!(regionScale >= 0 && double.IsFinite(regionScale)))
        {
            throw new ArgumentOutOfRangeException(nameof(regionScale), regionScale, "expected 0 (the whole prior) or a positive scale");
        }
        SiteResampleProbability = siteResampleProbability;
        RegionScale = regionScale;
        DataLike = dataLike;
        if (dataLike)
        {
            _likeness = PerTemplate(DataLikeness.For);
        }
        if (regionScale > 0)
        {
            _regions = PerTemplate(t => new PosteriorRegion(t, regionScale));
        }
    }

    /// <summary>A value per template, computed in parallel (each costs a Laplace fit or more), keyed by the template itself.</summary>
    private Dictionary<BayesianProblem, T> PerTemplate<T>(Func<BayesianProblem, T> compute)
    {
        var values = new T[_templates.Length];
        Parallel.For(0, _templates.Length, i => values[i] = compute(_templates[i]));
        var byTemplate = new Dictionary<BayesianProblem, T>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < _templates.Length; i++)
        {
            byTemplate[_templates[i]] = values[i];
        }
        return byTemplate;
    }

    /// <summary>0: true latents come from the templates' priors; positive: from their priors restricted to their posteriors' regions (see the constructor).</summary>
    public double RegionScale { get; }

    /// <summary>Whether tasks redraw until their data look like their template's (see the constructor).</summary>
    public bool DataLike { get; }

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
        // Each task gets its template and a seed of its own first, so the tasks can be drawn on all cores (a data-like
        // task costs a Laplace fit per candidate draw) and still be the same whatever the threads' timing.
        var templates = new BayesianProblem[count];
        var seeds = new int[count];
        for (int i = 0; i < count; i++)
        {
            templates[i] = candidates[rng.Next(candidates.Length)];
            seeds[i] = rng.Next();
        }
        var tasks = new SimulatedTask[count];
        try
        {
            Parallel.For(0, count, i => tasks[i] = Sample(templates[i], new Random(seeds[i])));
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // Callers rely on the documented exception, not on the parallel loop's wrapper around it.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        return tasks;
    }

    private SimulatedTask Sample(BayesianProblem template, Random rng)
    {
        bool resample = rng.NextDouble() < SiteResampleProbability;
        var rows = template.Blocks.Select(b => resample
            ? Enumerable.Range(0, b.Count).Select(_ => rng.Next(b.Count)).ToArray()
            : Enumerable.Range(0, b.Count).ToArray()).ToArray();
        var likeness = _likeness?[template];
        ProblemValidationException? last = null;
        int invalid = 0, valid = 0;
        while (invalid < MaxAttempts)
        {
            var z0 = _regions is null ? ProblemSimulator.DrawPrior(template.Prior, rng) : _regions[template].Draw(rng);
            SimulatedTask task;
            try
            {
                var blocks = template.Blocks.Select((b, k) => ProblemSimulator.Simulate(b, rows[k], z0, rng)).ToArray();
                task = new SimulatedTask(BayesianProblem.Create(template.Prior, blocks, template.Dimension, template.Name), z0);
            }
            catch (ProblemValidationException e)
            {
                // A draw far in a vague prior's tail can overflow the data (e.g. a linear prediction beyond double range); draw again.
                last = e;
                invalid++;
                continue;
            }
            if (likeness is null || ++valid >= DataLikeness.MaxDraws || likeness.Accepts(task.Problem))
            {
                return task;
            }
        }
        throw new InvalidOperationException($"template '{template.Name ?? "(unnamed)"}': {MaxAttempts} draws from its prior gave data that are not valid, last: {last!.Message}", last);
    }
}
