using Afin.Laplace;
using Afin.Modelling;

namespace Afin.Training;

/// <summary>
/// Keeps the simulated data of a fine-tuning task only when they look like its template's own data: the rarer label of
/// its logit sites at least half as common as in the template's, and its logit and Poisson sites fitted no more
/// extremely, by the median |x·m + o| over those sites at the Laplace mode m, than twice the template's plus one. Under
/// the weakly informative priors users put on raw features, most prior draws simulate separated or saturated data
/// (fitted logits of 10 and more) that no real group shows, and fine-tuning on them spends its steps where the user's
/// problems never are.
/// </summary>
/// <remarks>
/// The check reads only the simulated observations (with the task's fixed design and prior), never the true latent, so
/// it conditions on an event of y and leaves every kept task's posterior p(z | y) exactly as its problem states it; the
/// truncated-prior alternative (<see cref="DesignTaskSource.RegionScale"/>) changes the prior the network must learn.
/// The label check comes first because it costs nothing, while the fit costs a Laplace approximation.
/// </remarks>
internal sealed class DataLikeness
{
    /// <summary>Draws of (z0, y) before a task is kept whatever its data look like: a bound on cost, not on correctness.</summary>
    internal const int MaxDraws = 256;

    private readonly double? _minRareShare;
    private readonly double _maxPredictorSize;

    private DataLikeness(double? minRareShare, double maxPredictorSize)
    {
        _minRareShare = minRareShare;
        _maxPredictorSize = maxPredictorSize;
    }

    /// <summary>The check for tasks of <paramref name="template"/>; null when its data give no statistic (no logit or Poisson site, or no Laplace fit).</summary>
    internal static DataLikeness? For(BayesianProblem template) =>
        FittedPredictorSize(template) is double size ? new DataLikeness(RareLabelShare(template) / 2, 2 * size + 1) : null;

    /// <summary>Whether <paramref name="simulated"/> data look like the template's (see the class remarks).</summary>
    internal bool Accepts(BayesianProblem simulated)
    {
        if (_minRareShare is double min && RareLabelShare(simulated) is double share && share < min)
        {
            return false;
        }
        return FittedPredictorSize(simulated) is not double size || size <= _maxPredictorSize;
    }

    /// <summary>The share of the rarer label over the logit sites (successes of all trials for binomial sites); null without them.</summary>
    internal static double? RareLabelShare(BayesianProblem problem)
    {
        double positives = 0, total = 0;
        foreach (var block in problem.Blocks)
        {
            switch (block)
            {
                case BernoulliLogitBlock b:
                    positives += b.Y.Sum();
                    total += b.Count;
                    break;
                case BinomialLogitBlock n:
                    positives += n.Y.Sum();
                    total += n.TotalCount.Sum();
                    break;
            }
        }
        return total > 0 ? Math.Min(positives, total - positives) / total : null;
    }

    /// <summary>The median |x·m + o| over the logit and Poisson sites at the Laplace mode m; null without such sites or a fit.</summary>
    internal static double? FittedPredictorSize(BayesianProblem problem)
    {
        var blocks = problem.Blocks.Where(b => b is BernoulliLogitBlock or BinomialLogitBlock or PoissonLogBlock && b.Count > 0).Cast<LinearBlock>().ToArray();
        if (blocks.Length == 0)
        {
            return null;
        }
        double[] mode;
        try
        {
            mode = LaplaceApproximation.Compute(problem).Mode;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            return null;
        }
        var sizes = blocks.SelectMany(b => Enumerable.Range(0, b.Count).Select(n => Math.Abs(b.Predictor(n, mode)))).Order().ToArray();
        return sizes[sizes.Length / 2];
    }
}
