namespace Afin.Modelling;

/// <summary>
/// A Bayesian model over one latent vector z in R^d: one prior factor plus any number of observed
/// likelihood blocks (families may be mixed, and there may be none). Instances are validated and
/// immutable; build them with <see cref="Create"/> or read them from JSON with <see cref="ProblemJson"/>.
/// </summary>
public sealed class BayesianProblem
{
    private BayesianProblem(string? name, int dimension, Prior prior, IReadOnlyList<ObservationBlock> blocks)
    {
        Name = name;
        Dimension = dimension;
        Prior = prior;
        Blocks = blocks;
        ObservationCount = blocks.Sum(b => b.Count);
    }

    /// <summary>
    /// The largest d a problem may state in its <c>d</c> field: a scalar prior argument is broadcast to d numbers, so a
    /// <c>d</c> of 2^31 - 1 would ask for 16 GiB per vector before anything else could refuse it. Vectors and design rows
    /// of the problem itself cannot exceed what was read.
    /// </summary>
    internal const int MaxDimension = 1_000_000;

    /// <summary>An optional label.</summary>
    public string? Name { get; }

    /// <summary>The dimension d of the latent vector.</summary>
    public int Dimension { get; }

    /// <summary>The prior, with every vector expanded to length d.</summary>
    public Prior Prior { get; }

    /// <summary>The likelihood blocks, with per-row arguments expanded.</summary>
    public IReadOnlyList<ObservationBlock> Blocks { get; }

    /// <summary>Whether some observation block carries weights (see <see cref="LinearBlock.Weight"/>).</summary>
    public bool HasWeights => Blocks.Any(b => b is LinearBlock { Weight: not null });

    /// <summary>The total number N of likelihood factors over all blocks.</summary>
    public int ObservationCount { get; }

    /// <summary>
    /// Validates a problem and infers its dimension from the prior's vectors, the design matrices
    /// and direct observations (or from <paramref name="dimension"/> when given).
    /// </summary>
    /// <param name="prior">The prior factor.</param>
    /// <param name="blocks">The likelihood blocks; may be empty.</param>
    /// <param name="dimension">The dimension d (the JSON format's <c>d</c> field), needed only when nothing else fixes it.</param>
    /// <param name="name">An optional label.</param>
    /// <exception cref="ProblemValidationException">
    /// The problem is invalid (including a number beyond the range the methods can square or invert, see
    /// docs/interchange-format.md); the message names the block, the field and what was expected.
    /// </exception>
    public static BayesianProblem Create(Prior prior, IEnumerable<ObservationBlock>? blocks = null, int? dimension = null, string? name = null)
    {
        var problem = CreateDerived(prior, blocks, dimension, name);
        problem.Prior.CheckLimits();
        for (int i = 0; i < problem.Blocks.Count; i++)
        {
            problem.Blocks[i].CheckLimits(i);
        }
        return problem;
    }

    /// <summary>
    /// <see cref="Create"/> without <see cref="NumericLimits"/>: for a problem derived from a valid one, such as its twin in
    /// canonical coordinates, whose numbers may lie beyond the limits (a prior precision of 1e-302 in the whitened
    /// coordinates of a prior sd of 1e150) while the problem stays sound. Shapes, finiteness, signs and labels are still checked.
    /// </summary>
    internal static BayesianProblem CreateDerived(Prior prior, IEnumerable<ObservationBlock>? blocks = null, int? dimension = null, string? name = null)
    {
        Check.NotNull("prior", prior);
        var blockList = (blocks ?? []).ToList();
        for (int i = 0; i < blockList.Count; i++)
        {
            Check.NotNull($"observations[{i}]", blockList[i]);
        }
        int d = InferDimension(prior, blockList, dimension);
        var resolvedPrior = prior.Resolve(d);
        var resolvedBlocks = blockList.Select((b, i) => b.Resolve(i, d)).ToArray();
        return new BayesianProblem(name, d, resolvedPrior, resolvedBlocks);
    }

    /// <summary>True when the posterior is Gaussian in closed form: a Gaussian prior and only linear or direct Gaussian blocks.</summary>
    public bool IsConjugate =>
        Prior is GaussianPrior or FullRankGaussianPrior && Blocks.All(b => b is LinearGaussianBlock or DirectGaussianBlock);

    /// <summary>The unnormalised log posterior (the log joint density) of this problem with its gradient.</summary>
    public PosteriorLogDensity LogDensity() => new(this);

    private static int InferDimension(Prior prior, List<ObservationBlock> blocks, int? dimension)
    {
        if (dimension is <= 0)
        {
            throw new ProblemValidationException("d", $"expected a positive integer, got {dimension}");
        }
        if (dimension > MaxDimension)
        {
            throw new ProblemValidationException("d", $"expected at most {MaxDimension}, got {dimension}");
        }
        int? d = dimension;
        // Words for whatever fixed d first, so that a disagreement names both sides.
        string settledBy = $"the problem's 'd' field says d = {dimension}";
        void Agree(DimensionEvidence? evidence, string from)
        {
            if (evidence is null)
            {
                return;
            }
            if (d is null)
            {
                d = evidence.Dimension;
                settledBy = $"{Possessive(from)} {evidence.Reason} (d = {evidence.Dimension})";
            }
            else if (d != evidence.Dimension)
            {
                throw new ProblemValidationException(from, $"its {evidence.Reason} (d = {evidence.Dimension}), but {settledBy}");
            }
        }
        Agree(prior.ImpliedDimension, "prior");
        for (int i = 0; i < blocks.Count; i++)
        {
            Agree(blocks[i].ImpliedDimension, $"observations[{i}]");
        }
        return d ?? throw new ProblemValidationException("d", "cannot be inferred: give d, a vector prior, a design matrix or a direct observation");
    }

    /// <summary>"the prior's" or "observations[1]'s": the owner of a field in a message.</summary>
    private static string Possessive(string from) => from == "prior" ? "the prior's" : $"{from}'s";
}
