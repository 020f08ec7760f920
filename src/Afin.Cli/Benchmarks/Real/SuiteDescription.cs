using System.Text.Json.Serialization;

namespace Afin.Cli.Benchmarks.Real;

/// <summary>
/// The description file of the realistic suite (benchmarks/real/suite.json): a seed and the kinds of problem users
/// run, each generated at a list of (d, N) shapes by <see cref="RealisticSuite"/>.
/// </summary>
internal sealed record SuiteDescription
{
    /// <summary>A free-text note for readers of the file.</summary>
    [JsonPropertyName("_comment")]
    public string? Comment { get; init; }

    /// <summary>The suite's seed; every problem's generator is seeded from it and the problem's name.</summary>
    public required long Seed { get; init; }

    /// <summary>The kinds of problem.</summary>
    public required IReadOnlyList<KindDescription> Kinds { get; init; }
}

/// <summary>One kind of problem: prior, likelihood blocks and design traits, and the (d, N) shapes it comes in.</summary>
internal sealed record KindDescription
{
    /// <summary>The kind's name, the first part of each problem's name (e.g. <c>logistic-imbalanced</c>).</summary>
    public required string Name { get; init; }

    /// <summary>What users this kind stands for.</summary>
    public string? Description { get; init; }

    /// <summary>The prior the problem is stated with.</summary>
    public required PriorDescription Prior { get; init; }

    /// <summary>The likelihood blocks, all sharing the latent vector z.</summary>
    public required IReadOnlyList<LikelihoodDescription> Likelihoods { get; init; }

    /// <summary>The traits of the design matrices.</summary>
    public DesignDescription Design { get; init; } = new();

    /// <summary>The standard deviation over rows of the true linear predictor without its intercept (or of the nonzero true means).</summary>
    public double Signal { get; init; } = 1;

    /// <summary>The probability that a true coefficient (other than the intercept) is exactly zero.</summary>
    public double Sparsity { get; init; }

    /// <summary>The (d, N) pairs to generate; d counts the intercept, N all rows of all blocks.</summary>
    public required IReadOnlyList<int[]> Shapes { get; init; }

    /// <summary>
    /// Problems per shape (default 1). More than one makes a per-group data set, as `afin bench fit` needs: the groups of
    /// a shape share its d and N but not their designs, truths or data, and their names end in -g01, -g02, ...
    /// </summary>
    public int Groups { get; init; } = 1;

    /// <summary>Checks every number against its range.</summary>
    /// <exception cref="InvalidInputException">A value is out of range; the message names the kind and the field.</exception>
    internal void Validate()
    {
        var design = Design;
        Require(Likelihoods.Count > 0, "likelihoods", "at least one block");
        Require(Groups >= 1, "groups", "at least 1");
        Require(Signal > 0 && Sparsity is >= 0 and < 1, "signal/sparsity", "signal > 0 and 0 <= sparsity < 1");
        Require(Prior.Scale > 0 && Prior.Df > 0 && Prior.InterceptScale is null or > 0, "prior", "scale, intercept_scale and df > 0");
        Require(new[] { design.Binary, design.OneHot, design.Count, design.Correlation }.All(f => f is >= 0 and < 1 || f == 0),
            "design", "binary, one_hot, count and correlation in [0, 1)");
        Require(design.MinScale > 0 && design.MaxScale >= design.MinScale, "design", "0 < min_scale <= max_scale");
        foreach (var l in Likelihoods)
        {
            Require(l.Share > 0 && l.Sigma > 0 && l.Df > 0 && l.NoiseDf is null or > 0 && l.Trials >= 1, $"likelihoods ({l.Family})", "share, sigma, df, noise_df > 0 and trials >= 1");
            Require(l.PositiveRate is > 0 and < 1 && l.Contamination is >= 0 and < 1, $"likelihoods ({l.Family})", "0 < positive_rate < 1 and 0 <= contamination < 1");
            Require(l.MeanCount > 0 && l.MinExposure > 0 && l.MaxExposure >= l.MinExposure, $"likelihoods ({l.Family})", "mean_count > 0 and 0 < min_exposure <= max_exposure");
        }
    }

    private void Require(bool condition, string field, string expected)
    {
        if (!condition)
        {
            throw new InvalidInputException($"suite: kind '{Name}': {field}: expected {expected}");
        }
    }
}

/// <summary>The prior: <c>gaussian</c>, <c>student_t</c>, <c>laplace</c> or <c>random_walk</c> (a full-rank Gaussian).</summary>
internal sealed record PriorDescription
{
    /// <summary>The prior family.</summary>
    public required string Family { get; init; }

    /// <summary>The scale of every coefficient but the intercept (the step sd of a random walk).</summary>
    public double Scale { get; init; } = 1;

    /// <summary>The degrees of freedom of a Student-t prior.</summary>
    public double Df { get; init; } = 3;

    /// <summary>The intercept's own, wider scale (the same family); defaults to <see cref="Scale"/>.</summary>
    public double? InterceptScale { get; init; }
}

/// <summary>One likelihood block and how its data are simulated.</summary>
internal sealed record LikelihoodDescription
{
    /// <summary>The block family: linear_gaussian, linear_student_t, bernoulli_logit, binomial_logit, poisson_log or direct_gaussian.</summary>
    public required string Family { get; init; }

    /// <summary>This block's share of the problem's N rows (shares are normalised).</summary>
    public double Share { get; init; } = 1;

    /// <summary>The noise scale of Gaussian and Student-t blocks, used both to simulate and in the model.</summary>
    public double Sigma { get; init; } = 1;

    /// <summary>The Student-t likelihood's degrees of freedom in the model.</summary>
    public double Df { get; init; } = 4;

    /// <summary>The degrees of freedom of the simulated noise of a Student-t block (heavier tails than the model's).</summary>
    public double? NoiseDf { get; init; }

    /// <summary>The fraction of rows whose y gets a gross outlier (±10 sigma).</summary>
    public double Contamination { get; init; }

    /// <summary>The mean success probability of logit blocks; the true intercept is solved for it.</summary>
    public double PositiveRate { get; init; } = 0.5;

    /// <summary>Quasi-complete separation: every row with the first binary feature set is a success.</summary>
    public bool Separation { get; init; }

    /// <summary>The largest number of trials per binomial row (each row draws 1..trials).</summary>
    public int Trials { get; init; } = 10;

    /// <summary>The mean count per unit exposure of a Poisson block, averaged over rows; the true intercept is solved for it.</summary>
    public double MeanCount { get; init; } = 1;

    /// <summary>The smallest exposure of a Poisson row (exposures are log-uniform between the two; the offset is their log).</summary>
    public double MinExposure { get; init; } = 1;

    /// <summary>The largest exposure of a Poisson row.</summary>
    public double MaxExposure { get; init; } = 1;
}

/// <summary>
/// The columns of a design matrix: an optional intercept, then binary, one-hot (dummy-coded groups of 3 columns),
/// count-like (Poisson) and continuous columns, the last correlated through a shared factor and scaled.
/// </summary>
internal sealed record DesignDescription
{
    /// <summary>Whether the first column is a column of ones.</summary>
    public bool Intercept { get; init; } = true;

    /// <summary>The fraction of non-intercept columns that are 0/1 indicators.</summary>
    public double Binary { get; init; }

    /// <summary>The fraction of non-intercept columns in dummy-coded one-hot groups (4 levels, 3 columns each).</summary>
    public double OneHot { get; init; }

    /// <summary>The fraction of non-intercept columns that are Poisson counts.</summary>
    public double Count { get; init; }

    /// <summary>Every non-intercept column is one dummy-coded ordinal factor (for the random-walk prior).</summary>
    public bool Ordinal { get; init; }

    /// <summary>The correlation the continuous, binary and count columns share through a common factor.</summary>
    public double Correlation { get; init; }

    /// <summary>The smallest standard deviation of a continuous column (scales are log-uniform between the two).</summary>
    public double MinScale { get; init; } = 1;

    /// <summary>The largest standard deviation of a continuous column.</summary>
    public double MaxScale { get; init; } = 1;

    /// <summary>Whether continuous columns have nonzero means (0 to 3 of their scales), as raw data do.</summary>
    public bool Uncentered { get; init; }
}
