using System.Globalization;
using System.Text;

namespace Afin.Training;

/// <summary>
/// The distribution of simulated training tasks: which families, which dimensions d and numbers of
/// sites N, how design matrices look. A trained model records it so that inference can say whether
/// a problem lies inside its training range. Defaults follow the AFIN reference recipe.
/// </summary>
public sealed record TaskDistribution
{
    /// <summary>All prior families, by JSON name.</summary>
    public static readonly IReadOnlyList<string> AllPriorFamilies = ["gaussian", "full_rank_gaussian", "student_t", "laplace"];

    /// <summary>All likelihood families, by JSON name.</summary>
    public static readonly IReadOnlyList<string> AllLikelihoodFamilies = ["linear_gaussian", "direct_gaussian", "linear_student_t", "bernoulli_logit", "binomial_logit", "poisson_log"];

    /// <summary>
    /// The reference recipe's five families: every family but <c>poisson_log</c>, which only networks of feature version 3
    /// can take (<see cref="Network.AfinNetworkOptions.LikelihoodFamiliesOf"/>).
    /// </summary>
    private static readonly IReadOnlyList<string> ReferenceLikelihoodFamilies = ["linear_gaussian", "direct_gaussian", "linear_student_t", "bernoulli_logit", "binomial_logit"];

    /// <summary>
    /// The distribution of users' regressions: d up to 32 (counting the intercept), N up to 512, and 80% of tasks
    /// user-like (<see cref="UserTaskMix"/>'s defaults, and three in four of its shrinkage Student-t tasks conditioned on a strong signal); the rest
    /// are the synthetic design kinds.
    /// </summary>
    public static TaskDistribution Realistic => new() { MaxDimension = 32, MaxSites = 512, UserTasks = new UserTaskMix { StrongSignalProbability = 0.75 } };

    /// <summary>Smallest latent dimension d.</summary>
    public int MinDimension { get; init; } = 1;

    /// <summary>Largest latent dimension d.</summary>
    public int MaxDimension { get; init; } = 8;

    /// <summary>Smallest number of likelihood sites N.</summary>
    public int MinSites { get; init; } = 1;

    /// <summary>Largest number of likelihood sites N.</summary>
    public int MaxSites { get; init; } = 64;

    /// <summary>Prior families drawn uniformly per task.</summary>
    public IReadOnlyList<string> PriorFamilies { get; init; } = AllPriorFamilies;

    /// <summary>
    /// Likelihood families; a task uses one (homogeneous) or a mix of them. Default: the reference recipe's five, every
    /// family but <c>poisson_log</c>, so that a default distribution trains a network of any feature version and draws the
    /// same tasks as before that family existed (<c>afin train</c> adds it for feature version 3).
    /// </summary>
    public IReadOnlyList<string> LikelihoodFamilies { get; init; } = ReferenceLikelihoodFamilies;

    /// <summary>Probability that a task mixes several likelihood families.</summary>
    public double HeterogeneousProbability { get; init; } = 0.5;

    /// <summary>Probability that (d, N) is drawn with weight favouring large d and small N (the hard cases).</summary>
    public double HardCaseProbability { get; init; } = 0.6;

    /// <summary>Largest condition number of the design's row covariance for the structured design kinds.</summary>
    public double MaxConditionNumber { get; init; } = 40;

    /// <summary>Probabilities of the design kinds iid, diagonal scaling, correlated, heavy-tailed rows.</summary>
    public IReadOnlyList<double> DesignKindProbabilities { get; init; } = [0.7, 0.1, 0.1, 0.1];

    /// <summary>
    /// The share and traits of user-like tasks; null (the default, and what model files written before it existed read as)
    /// draws only the synthetic design kinds, exactly as before.
    /// </summary>
    public UserTaskMix? UserTasks { get; init; }

    /// <summary>Checks the ranges and names; throws <see cref="ArgumentException"/> naming the property.</summary>
    public void Validate()
    {
        if (MinDimension < 1 || MaxDimension < MinDimension)
        {
            throw new ArgumentException($"{nameof(MinDimension)}..{nameof(MaxDimension)}: expected 1 <= min <= max, got {MinDimension}..{MaxDimension}");
        }
        if (MinSites < 0 || MaxSites < MinSites)
        {
            throw new ArgumentException($"{nameof(MinSites)}..{nameof(MaxSites)}: expected 0 <= min <= max, got {MinSites}..{MaxSites}");
        }
        CheckFamilies(nameof(PriorFamilies), PriorFamilies, AllPriorFamilies);
        CheckFamilies(nameof(LikelihoodFamilies), LikelihoodFamilies, AllLikelihoodFamilies);
        CheckProbability(nameof(HeterogeneousProbability), HeterogeneousProbability);
        CheckProbability(nameof(HardCaseProbability), HardCaseProbability);
        if (!(MaxConditionNumber >= 1))
        {
            throw new ArgumentException($"{nameof(MaxConditionNumber)}: expected >= 1, got {MaxConditionNumber}");
        }
        if (DesignKindProbabilities.Count != 4 || DesignKindProbabilities.Any(p => p < 0) || !(DesignKindProbabilities.Sum() > 0))
        {
            throw new ArgumentException($"{nameof(DesignKindProbabilities)}: expected 4 non-negative weights (iid, diagonal, correlated, heavy-tailed) with a positive sum");
        }
        UserTasks?.Validate();
    }

    /// <summary>Whether a problem of this dimension and size, with these families, lies inside the training range.</summary>
    public bool Covers(int dimension, int sites, string priorFamily, IEnumerable<string> likelihoodFamilies) =>
        dimension >= MinDimension && dimension <= MaxDimension && sites >= Math.Min(MinSites, 1) && sites <= MaxSites
        && PriorFamilies.Contains(priorFamily) && likelihoodFamilies.All(LikelihoodFamilies.Contains);

    /// <summary>
    /// Writes every property for the record's ToString, lists as their elements (<c>PriorFamilies = [gaussian, laplace]</c>):
    /// the compiler's version would print the list's type name. Numbers use the invariant culture, as in the model file.
    /// </summary>
    private bool PrintMembers(StringBuilder builder)
    {
        static string List<T>(IEnumerable<T> items) =>
            "[" + string.Join(", ", items.Select(i => string.Format(CultureInfo.InvariantCulture, "{0}", i))) + "]";
        builder.Append(CultureInfo.InvariantCulture,
            $"MinDimension = {MinDimension}, MaxDimension = {MaxDimension}, MinSites = {MinSites}, MaxSites = {MaxSites}, ");
        builder.Append($"PriorFamilies = {List(PriorFamilies)}, LikelihoodFamilies = {List(LikelihoodFamilies)}, ");
        builder.Append(CultureInfo.InvariantCulture,
            $"HeterogeneousProbability = {HeterogeneousProbability}, HardCaseProbability = {HardCaseProbability}, MaxConditionNumber = {MaxConditionNumber}, ");
        builder.Append($"DesignKindProbabilities = {List(DesignKindProbabilities)}, ");
        builder.Append($"UserTasks = {UserTasks?.ToString() ?? "null"}");
        return true;
    }

    private static void CheckFamilies(string name, IReadOnlyList<string> families, IReadOnlyList<string> allowed)
    {
        if (families.Count == 0)
        {
            throw new ArgumentException($"{name}: expected at least one family");
        }
        foreach (var f in families.Where(f => !allowed.Contains(f)))
        {
            throw new ArgumentException($"{name}: unknown family '{f}'; expected one of {string.Join(", ", allowed)}");
        }
    }

    private static void CheckProbability(string name, double p)
    {
        if (!(p >= 0 && p <= 1))
        {
            throw new ArgumentException($"{name}: expected a probability in [0, 1], got {p}");
        }
    }
}
