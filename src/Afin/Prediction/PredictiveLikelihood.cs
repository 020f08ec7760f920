using Afin.Modelling;

namespace Afin.Prediction;

/// <summary>
/// The likelihood family new rows are predicted under, with the noise scale and degrees of freedom they inherit from the
/// problem when it has one value for all its observations (rows may always give their own).
/// </summary>
public sealed record PredictiveLikelihood
{
    /// <summary>The families that can be predicted: every one whose observations depend on z through x·z (+ offset).</summary>
    public static IReadOnlyList<string> Families { get; } =
        ["linear_gaussian", "direct_gaussian", "linear_student_t", "bernoulli_logit", "binomial_logit", "poisson_log"];

    private PredictiveLikelihood(string family, double? sigma, double? degreesOfFreedom)
    {
        Family = family;
        Sigma = sigma;
        DegreesOfFreedom = degreesOfFreedom;
    }

    /// <summary>The family's JSON name, e.g. <c>bernoulli_logit</c>.</summary>
    public string Family { get; }

    /// <summary>The noise scale new Gaussian or Student-t rows take unless they give their own; null when there is none.</summary>
    public double? Sigma { get; }

    /// <summary>The Student-t degrees of freedom new rows take unless they give their own; null when there is none.</summary>
    public double? DegreesOfFreedom { get; }

    /// <summary>
    /// The family of <paramref name="problem"/>'s observations (it must have one block, unless <paramref name="family"/>
    /// names one), with the noise scale and degrees of freedom of its block of that family when they are the same for
    /// every observation.
    /// </summary>
    /// <exception cref="ArgumentException">The family is unknown or cannot be predicted, or the problem's blocks leave it open.</exception>
    public static PredictiveLikelihood Of(BayesianProblem problem, string? family = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (family is null)
        {
            var families = problem.Blocks.Select(b => b.Family).Distinct().ToArray();
            if (families.Length != 1)
            {
                throw new ArgumentException($"family: the problem has {(families.Length == 0 ? "no observations" : $"observations of {families.Length} families ({string.Join(", ", families)})")}; name the family to predict");
            }
            family = families[0];
        }
        if (!Families.Contains(family))
        {
            throw new ArgumentException($"family: expected one of {string.Join(", ", Families)}, got '{family}'");
        }
        var block = problem.Blocks.FirstOrDefault(b => b.Family == family);
        return new PredictiveLikelihood(family, Constant(NoiseScale(block)), Constant((block as LinearStudentTBlock)?.Df));
    }

    /// <summary>A likelihood of <paramref name="family"/> whose rows give any noise scale and degrees of freedom they need, unless set here.</summary>
    /// <exception cref="ArgumentException">The family cannot be predicted, or a value is not positive and finite.</exception>
    public static PredictiveLikelihood Create(string family, double? sigma = null, double? degreesOfFreedom = null)
    {
        if (!Families.Contains(family))
        {
            throw new ArgumentException($"family: expected one of {string.Join(", ", Families)}, got '{family}'");
        }
        if (sigma is { } s && !(s > 0 && double.IsFinite(s)))
        {
            throw new ArgumentException($"sigma: expected a positive finite number, got {s}");
        }
        if (degreesOfFreedom is { } df && !(df > 0 && double.IsFinite(df)))
        {
            throw new ArgumentException($"df: expected a positive finite number, got {df}");
        }
        return new PredictiveLikelihood(family, sigma, degreesOfFreedom);
    }

    /// <summary>Whether y is a count or a label (its interval ends are whole numbers).</summary>
    internal bool IsDiscrete => Family is "bernoulli_logit" or "binomial_logit" or "poisson_log";

    private static double[]? NoiseScale(ObservationBlock? block) => block switch
    {
        LinearGaussianBlock g => g.Sigma,
        LinearStudentTBlock t => t.Sigma,
        DirectGaussianBlock g => g.Sigma,
        _ => null,
    };

    private static double? Constant(double[]? values) =>
        values is { Length: > 0 } && values.All(v => v == values[0]) ? values[0] : null;
}
