using Afin.Modelling;

namespace Afin.Network;

/// <summary>
/// Family ids and adapter input widths, in the reference's order (which fixes checkpoint names and ids).
/// Priors: 0 diag_gaussian, 1 fullrank_gaussian, 2 diag_student_t, 3 diag_laplace.
/// Likelihoods: 0 gaussian, 1 bernoulli_logit, 2 binomial_logit, 3 student_t, 4 gaussian_no_x (direct Gaussian); ours
/// add 5 laplace (feature version 2) and 6 poisson_log (feature version 3). A model file records its version and is
/// rebuilt with that version's adapters, so these lists and widths never change for an existing version; version 3 is
/// version 2 with the Poisson adapters added.
/// </summary>
internal static class FactorFamilies
{
    /// <summary>Reference names of the prior families, indexed by id.</summary>
    public static readonly string[] PriorNames = ["diag_gaussian", "fullrank_gaussian", "diag_student_t", "diag_laplace"];

    /// <summary>Node input widths of the prior adapters.</summary>
    public static readonly int[] PriorNodeDims = [3, 3, 4, 3];

    /// <summary>Pair input widths of the prior adapters.</summary>
    public static readonly int[] PriorPairDims = [7, 8, 8, 7];

    /// <summary>
    /// Reference names of the likelihood families, indexed by id; feature version 2 adds the Laplace-error family, version
    /// 3 the Poisson family.
    /// </summary>
    public static string[] SiteNames(int featureVersion) => featureVersion switch
    {
        >= 3 => ["gaussian", "bernoulli_logit", "binomial_logit", "student_t", "gaussian_no_x", "laplace", "poisson_log"],
        2 => ["gaussian", "bernoulli_logit", "binomial_logit", "student_t", "gaussian_no_x", "laplace"],
        _ => ["gaussian", "bernoulli_logit", "binomial_logit", "student_t", "gaussian_no_x"],
    };

    /// <summary>Node input widths of the likelihood adapters; version 2 gives the logit families their offset.</summary>
    public static int[] SiteNodeDims(int featureVersion) => featureVersion switch
    {
        >= 3 => [5, 6, 8, 6, 5, 5, 7],
        2 => [5, 6, 8, 6, 5, 5],
        _ => [5, 5, 7, 6, 5],
    };

    /// <summary>Pair input widths of the likelihood adapters.</summary>
    public static int[] SitePairDims(int featureVersion) => featureVersion switch
    {
        >= 3 => [9, 10, 12, 10, 6, 9, 11],
        2 => [9, 10, 12, 10, 6, 9],
        _ => [9, 9, 11, 10, 6],
    };

    /// <summary>The likelihood family id of a family's JSON name (<see cref="ObservationBlock.Family"/>), or -1 for an unknown name.</summary>
    public static int SiteId(string family) => family switch
    {
        "linear_gaussian" => 0,
        "bernoulli_logit" => 1,
        "binomial_logit" => 2,
        "linear_student_t" => 3,
        "direct_gaussian" => 4,
        "linear_laplace" => 5,
        "poisson_log" => 6,
        _ => -1,
    };

    /// <summary>The first feature version with an adapter for the likelihood family <paramref name="siteId"/>.</summary>
    public static int FirstFeatureVersion(int siteId) => siteId switch
    {
        <= 4 => 1,
        5 => 2,
        _ => 3,
    };

    /// <summary>The prior family id of a resolved prior.</summary>
    public static int PriorId(Prior prior) => prior switch
    {
        GaussianPrior => 0,
        FullRankGaussianPrior => 1,
        StudentTPrior => 2,
        LaplacePrior => 3,
        _ => throw new NotSupportedException($"AFIN has no adapter for the prior family '{prior.Family}'."),
    };

    /// <summary>The likelihood family id of an observation block.</summary>
    public static int SiteId(ObservationBlock block) => block switch
    {
        LinearGaussianBlock => 0,
        BernoulliLogitBlock => 1,
        BinomialLogitBlock => 2,
        LinearStudentTBlock => 3,
        DirectGaussianBlock => 4,
        LinearLaplaceBlock => 5,
        PoissonLogBlock => 6,
        _ => throw new NotSupportedException($"AFIN has no adapter for the likelihood family '{block.Family}'."),
    };

    /// <summary>The likelihood family id of a block, refused when networks of <paramref name="featureVersion"/> have no adapter for it.</summary>
    /// <exception cref="NotSupportedException">The family came with a later feature version, or the block has weights; the message says which and what to use instead.</exception>
    public static int SupportedSiteId(ObservationBlock block, int featureVersion)
    {
        if (block is LinearBlock { Weight: not null })
        {
            throw new NotSupportedException($"AFIN networks were not trained on weighted observations (a '{block.Family}' block with weights): " +
                "use a method without the network (Auto and Corrected mode weigh draws from the Laplace-t proposal or run NUTS; Laplace mode).");
        }
        int f = SiteId(block);
        int first = FirstFeatureVersion(f);
        return first <= featureVersion ? f : throw new NotSupportedException(
            $"AFIN networks of feature version {featureVersion} have no adapter for the likelihood family '{block.Family}' " +
            $"(feature version {first} added it): use a model trained with --feature-version {first} or later, or a method without the network (Laplace, NUTS).");
    }
}
