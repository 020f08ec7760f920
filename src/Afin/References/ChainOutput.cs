namespace Afin.References;

/// <summary>What one chain of a <see cref="NutsSampler"/> run produced.</summary>
internal sealed class ChainOutput
{
    private readonly int _dimension;

    internal ChainOutput(int draws, int dimension)
    {
        _dimension = dimension;
        Draws = new double[draws * dimension];
        LogDensities = new double[draws];
    }

    /// <summary>
    /// A copy with room for <paramref name="extra"/> more draws after the existing ones, and the same statistics, so that
    /// a result built on this output keeps its draws when the chain draws more.
    /// </summary>
    internal ChainOutput Extended(int extra)
    {
        var copy = new ChainOutput(LogDensities.Length + extra, _dimension)
        {
            StepSize = StepSize, InverseMetric = InverseMetric, Divergences = Divergences, WarmupDivergences = WarmupDivergences,
            TreeDepthSaturations = TreeDepthSaturations, MeanAcceptStat = MeanAcceptStat, LeapfrogSteps = LeapfrogSteps,
            GradientEvaluations = GradientEvaluations,
        };
        Draws.CopyTo(copy.Draws, 0);
        LogDensities.CopyTo(copy.LogDensities, 0);
        return copy;
    }

    /// <summary>Post-warmup draws, row-major: draw t occupies [t * d, (t + 1) * d).</summary>
    internal double[] Draws { get; }

    /// <summary>Log density at each post-warmup draw.</summary>
    internal double[] LogDensities { get; }

    /// <summary>The step size used for sampling.</summary>
    internal double StepSize { get; set; }

    /// <summary>The adapted diagonal inverse metric used for sampling.</summary>
    internal double[] InverseMetric { get; set; } = [];

    /// <summary>Divergent post-warmup transitions.</summary>
    internal int Divergences { get; set; }

    /// <summary>Divergent warmup transitions (common and mostly harmless early in warmup).</summary>
    internal int WarmupDivergences { get; set; }

    /// <summary>Post-warmup transitions that stopped at the maximum tree depth rather than at a U-turn.</summary>
    internal int TreeDepthSaturations { get; set; }

    /// <summary>Mean acceptance statistic over the post-warmup transitions.</summary>
    internal double MeanAcceptStat { get; set; }

    /// <summary>Leapfrog steps taken by the post-warmup transitions.</summary>
    internal long LeapfrogSteps { get; set; }

    /// <summary>All log density and gradient evaluations of the chain, warmup and initialisation included.</summary>
    internal long GradientEvaluations { get; set; }
}
