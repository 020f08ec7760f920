namespace Afin.Cli.Commands.Review;

/// <summary>The review's published table (Zammit-Mangion, Sainsbury-Dale and Huser, 1,000 test fields), for side-by-side comparison.</summary>
internal static class PublishedReviewTable
{
    /// <summary>RMSPE, MAPE, IS90, COV90 and CRPS (NaN where the paper gives none) by the paper's method name.</summary>
    internal static readonly IReadOnlyDictionary<string, (double Rmspe, double Mape, double Is90, double Cov90, double Crps)> Rows =
        new Dictionary<string, (double, double, double, double, double)>
        {
            ["MCMC"] = (0.015, 0.015, 0.095, 0.896, 0.014),
            ["NF-NMP"] = (0.016, 0.016, 0.099, 0.897, 0.015),
            ["NRE"] = (0.017, 0.017, 0.107, 0.903, 0.016),
            ["NBE"] = (0.017, 0.017, 0.117, 0.899, double.NaN),
        };

    /// <summary>The paper's counterpart of each of our rows.</summary>
    internal static string? Counterpart(string method) => method switch
    {
        "MCMC" => "MCMC",
        "NPE" => "NF-NMP",
        "NRE" => "NRE",
        "NBE" => "NBE",
        _ => null,
    };
}
