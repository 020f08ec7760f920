namespace Afin.References;

/// <summary>What one chain of a <see cref="NutsSampler"/> run produced.</summary>
internal sealed class ChainOutput
{
    internal ChainOutput(int draws, int dimension)
    {
        Draws = new double[draws * dimension];
        LogDensities = new double[draws];
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
