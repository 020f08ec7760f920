using Afin.Cli.Comparison;
using ScottPlot;

namespace Afin.Cli.Plotting;

/// <summary>The colour and line pattern of each method, the same in every panel and in the legend.</summary>
internal static class MethodStyle
{
    /// <summary>Okabe-Ito colours, told apart also by readers with colour-vision deficiencies; exact is black.</summary>
    internal static Color Colour(ComparisonMethodKind kind) => kind switch
    {
        ComparisonMethodKind.Exact => Color.FromHex("#000000"),
        ComparisonMethodKind.Nuts => Color.FromHex("#009E73"),
        ComparisonMethodKind.Afin => Color.FromHex("#0072B2"),
        ComparisonMethodKind.Auto => Color.FromHex("#CC79A7"),
        _ => Color.FromHex("#D55E00"),
    };

    /// <summary>Exact is dashed so that a method lying exactly on it still shows.</summary>
    internal static bool Dashed(ComparisonMethodKind kind) => kind == ComparisonMethodKind.Exact;

    /// <summary>The ScottPlot line pattern for <see cref="Dashed"/>.</summary>
    internal static LinePattern Pattern(ComparisonMethodKind kind) => Dashed(kind) ? LinePattern.Dashed : LinePattern.Solid;

    /// <summary>Line width in pixels.</summary>
    internal const float Width = 2f;
}
