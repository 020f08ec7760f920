namespace Afin.Cli.Comparison;

/// <summary>The posteriors that <c>afin compare</c> sets side by side.</summary>
internal enum ComparisonMethodKind
{
    /// <summary>The closed-form posterior of a conjugate problem.</summary>
    Exact,

    /// <summary>One forward pass of the AFIN network.</summary>
    Afin,

    /// <summary>AFIN draws reweighted by Pareto-smoothed self-normalised importance sampling, then resampled.</summary>
    AfinSnis,

    /// <summary>The Auto policy of <c>afin infer</c>: whichever of exact, AFIN, importance sampling or NUTS its checks choose.</summary>
    Auto,

    /// <summary>The No-U-Turn sampler.</summary>
    Nuts,
}
